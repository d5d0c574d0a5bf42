/**
 * The model exports `deforum models fetch` knows: Hugging Face Hub repositories in the diffusers ONNX layout.
 * A file's size and sha256 are pinned where they were checked against the Hub; where they are not (`null`), the
 * download is checked against the sha256 the Hub itself reports for LFS files (`X-Linked-Etag`), which catches a
 * corrupted or truncated transfer but not a changed upstream file.
 */

export interface HubFile {
  /** Path inside the repository, `/`-separated; also the path written under the target folder. */
  path: string;
  bytes: number | null;
  sha256: string | null;
}

export interface KnownModel {
  name: string;
  description: string;
  repo: string;
  /** A branch or commit; a branch can move, so unpinned entries say so. */
  revision: string;
  /** True when `revision` is a commit and every file has bytes and sha256. */
  pinned: boolean;
  files: readonly HubFile[];
}

const unchecked = (path: string): HubFile => ({ path, bytes: null, sha256: null });

export const KNOWN_MODELS: readonly KnownModel[] = [
  {
    name: 'sd-1.5-onnx',
    description: 'Stable Diffusion 1.5, fp32 ONNX export (diffusers), about 5.2 GB',
    repo: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
    revision: 'onnx',
    pinned: false,
    files: [
      'model_index.json',
      'scheduler/scheduler_config.json',
      'tokenizer/merges.txt',
      'tokenizer/special_tokens_map.json',
      'tokenizer/tokenizer_config.json',
      'tokenizer/vocab.json',
      'text_encoder/model.onnx',
      'unet/model.onnx',
      'unet/weights.pb',
      'vae_decoder/model.onnx',
      'vae_encoder/model.onnx',
    ].map(unchecked),
  },
];
