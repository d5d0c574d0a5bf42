/**
 * Which onnxruntime execution providers a device name asks for. onnxruntime-node 1.30 throws when a listed
 * provider cannot load instead of falling back (runtime-notes C.1), so `session.ts` retries with `CPU_PROVIDERS`.
 */

export type DeviceName = 'cpu' | 'cuda' | 'tensorrt';

export const DEVICE_NAMES: readonly DeviceName[] = ['cpu', 'cuda', 'tensorrt'];

/** Execution-provider names in onnxruntime-node's spelling, most preferred first. */
export type ProviderName = 'cpu' | 'cuda' | 'tensorrt';

export const CPU_PROVIDERS: readonly ProviderName[] = ['cpu'];

export function providersFor(device: DeviceName): readonly ProviderName[] {
  switch (device) {
    case 'cpu':
      return CPU_PROVIDERS;
    case 'cuda':
      return ['cuda', 'cpu'];
    case 'tensorrt':
      // TensorRT covers only part of an SD graph; the rest runs on CUDA, and CPU keeps shape ops cheap.
      return ['tensorrt', 'cuda', 'cpu'];
  }
}
