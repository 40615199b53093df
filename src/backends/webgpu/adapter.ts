/**
 * Finding a WebGPU implementation and a device: the browser's navigator.gpu, or in Node the optional npm package
 * `webgpu` (Dawn; its binaries ship inside the package). Every failure says why and what would fix it.
 */
import { isNode } from '../platform.js';

export const SWIFTSHADER_HINT =
  'on Linux without a GPU: apt-get install -y chromium, then run with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

async function gpuEntry(): Promise<GPU> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu) return gpu;
  if (!isNode) throw new Error("ready('webgpu'): this browser has no WebGPU (navigator.gpu is undefined; Chromium needs --enable-unsafe-webgpu on Linux)");
  let dawn: DawnModule;
  try {
    const specifier = 'webgpu'; // a variable, so browser bundlers leave the Node-only package alone
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    throw new Error(`ready('webgpu'): the optional npm package 'webgpu' (Dawn for Node) could not be loaded (${(e as Error).message}); npm install webgpu`);
  }
  // GPUBufferUsage, GPUMapMode, ... are globals in browsers; Dawn for Node hands them over instead
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) Object.assign(globalThis, { [k]: v });
  return dawn.create([]);
}

/**
 * Dawn for Node tears its instance down when the JS object is collected, even with a device alive (a crash in
 * ProcessEvents): the instance and adapter stay referenced here for the life of the process.
 */
const keepAlive: unknown[] = [];

/** Whether an adapter emulates the GPU on the CPU: the fallback adapter, or a known software rasteriser. */
function isSoftware(adapter: GPUAdapter, description: string): boolean {
  const flagged = (adapter.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return flagged === true || /swiftshader|llvmpipe|lavapipe|\bwarp\b/i.test(description);
}

export async function requestDevice(): Promise<{ device: GPUDevice; description: string; software: boolean }> {
  const gpu = await gpuEntry();
  keepAlive.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`ready('webgpu'): no WebGPU adapter was found (no GPU or no Vulkan/Metal/D3D12 driver); ${SWIFTSHADER_HINT}`);
  const { limits } = adapter;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
    },
  });
  keepAlive.push(adapter);
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
  return { device, description, software: isSoftware(adapter, description) };
}

