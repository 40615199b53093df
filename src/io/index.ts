/** `ck.io`: moving weights in and out of convkit (safetensors, interchangeable with PyTorch's). */
export { loadSafetensors, saveSafetensors, saveSafetensorsAsync, readSafetensorsHeader } from './safetensors.js';
export type { SafetensorsEntry, SafetensorsHeader, SaveSafetensorsOptions } from './safetensors.js';
export type { SafetensorsDType } from './safetensors-dtypes.js';
