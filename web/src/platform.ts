/** What the page runs on, said plainly in the status line: backend, threads, isolation, SIMD build, WebGPU adapter. */
import * as ck from '../../src/index.js';

export interface PlatformInfo {
  backend: string;
  /** the backends that started in this browser */
  backends: string[];
  threads: number;
  isolated: boolean;
  webgpu: string;
}

interface GpuAdapterInfo { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean }
interface Gpu { requestAdapter(): Promise<{ info?: GpuAdapterInfo } | null> }

/** The WebGPU adapter's description, or why there is none. */
export async function webgpuAdapter(): Promise<string> {
  const gpu = (navigator as { gpu?: Gpu }).gpu;
  if (!gpu) return 'no navigator.gpu';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no adapter';
    const info = adapter.info ?? {};
    return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'adapter';
  } catch (e) {
    return `requestAdapter failed: ${(e as Error).message}`;
  }
}

/** Starts the backends (fetches and compiles the one wasm build this browser needs) and reports what runs. */
export async function startBackends(): Promise<PlatformInfo> {
  const webgpu = await webgpuAdapter();
  const started: string[] = [];
  for (const name of ck.backendNames()) {
    try {
      await ck.ready(name);
      started.push(name);
    } catch (e) {
      // e.g. the native backend, which needs Node: say so in the console, list only what runs
      console.info(`convkit playground: backend ${name} is not available here: ${(e as Error).message}`);
    }
  }
  return { backend: ck.getBackend(), backends: started, threads: ck.getNumThreads(), isolated: globalThis.crossOriginIsolated === true, webgpu };
}

export function describe(info: PlatformInfo): string {
  const isolation = info.isolated ? 'cross-origin isolated' : 'not cross-origin isolated: one thread';
  return `backend ${ck.getBackend()} · ${ck.getNumThreads()} thread${ck.getNumThreads() === 1 ? '' : 's'} · ${isolation} · WebGPU: ${info.webgpu} · backends: ${info.backends.join(', ')}`;
}
