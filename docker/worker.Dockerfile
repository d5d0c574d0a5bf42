# syntax=docker/dockerfile:1
# GPU worker image: `deforum worker` on an NVIDIA GPU (CUDA 12 + cuDNN 9 runtime, onnxruntime-node with its CUDA
# execution provider, ffmpeg). Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t deforum-worker .
# Not built where it was written (no Docker engine there): see docs/fleet.md, "What was not run".
ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# --- dependencies: npm ci, the CUDA EP of onnxruntime-node, the Prisma client ---------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# Install scripts are off and the ones the worker needs run by name, so the result does not depend on npm's
# install-script policy (npm 11 only warns about unapproved scripts; a later npm that skipped them would silently
# drop the CUDA download). onnxruntime-node's script fetches the CUDA/TensorRT provider libraries from NuGet
# (runtime-notes C.2); the build fails if they are missing. The repository's .npmrc (onnxruntime-node-install=skip,
# for CI) is deliberately not copied. prisma:generate is the project's own postinstall.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js \
 && for lib in libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do \
      test -s "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/$lib" || { echo "missing $lib" >&2; exit 1; }; \
    done \
 && npm run prisma:generate

# --- runtime ------------------------------------------------------------------------------------------------------
FROM ${CUDA_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Node 20 from the official image (its binary needs only glibc and libstdc++, both in the CUDA base).
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
RUN groupadd --system --gid 10001 deforum \
 && useradd --system --uid 10001 --gid deforum --create-home --shell /usr/sbin/nologin deforum \
 && mkdir -p /data/storage /models \
 && chown deforum:deforum /data/storage
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
COPY bin ./bin
COPY src ./src
COPY presets ./presets
COPY assets ./assets
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/jobs/generated ./src/jobs/generated

# The variables are those of src/worker/worker-config.ts. DEFORUM_MODELS_DIR stays unset here (a worker without
# models serves preview jobs only); mount a diffusers ONNX export and set it, e.g. /models.
ENV NODE_ENV=production \
    DEFORUM_DEVICE=cuda \
    DEFORUM_STORAGE_DIR=/data/storage \
    DEFORUM_WORKER_PORT=9464
EXPOSE 9464
USER deforum
# /health answers 200 while the worker runs and 503 once it is stopping (src/worker/health-server.ts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.DEFORUM_WORKER_PORT || '9464') + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the worker finishes the frame in flight and gives the job back (give it stop_grace_period for that).
ENTRYPOINT ["node", "/app/bin/deforum.js"]
CMD ["worker"]
