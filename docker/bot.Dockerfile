# syntax=docker/dockerfile:1
# CPU image of the `deforum` command for the fleet's control side: `prisma migrate deploy` (compose's `migrate`
# service), `deforum submit`, `deforum jobs list|show|cancel|resume`. The Discord bot itself (`deforum bot`) does
# not exist yet: it comes with the bot issue, which adds its command and a `bot` service in docker/compose.yaml
# running this image. Until then the image's default command only prints the CLI's help.
# Build from the repository root:  docker build -f docker/bot.Dockerfile -t deforum-cli .
# Not built where it was written (no Docker engine there): see docs/fleet.md, "What was not run".
FROM node:20-bookworm-slim
# openssl: Prisma's schema engine (migrate) links libssl. No ffmpeg: rendering happens on the workers.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# Scripts off, then the two this image needs run by name: @prisma/engines downloads the schema engine that
# `prisma migrate deploy` runs; prisma:generate is the project's postinstall. onnxruntime-node's CPU library is
# bundled in its package, so its (CUDA-download) script is not run here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && node node_modules/@prisma/engines/scripts/postinstall.js \
 && npm run prisma:generate
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY presets ./presets
COPY assets ./assets
RUN groupadd --system --gid 10001 deforum \
 && useradd --system --uid 10001 --gid deforum --create-home --shell /usr/sbin/nologin deforum \
 && mkdir -p /data/storage \
 && chown deforum:deforum /data/storage
ENV NODE_ENV=production \
    DEFORUM_STORAGE_DIR=/data/storage
USER deforum
ENTRYPOINT ["node", "/app/bin/deforum.js"]
CMD ["--help"]
