/**
 * Where the four WebAssembly builds come from. This default (Node, and bundlers that ignore package.json's
 * "browser" map) has them embedded as base64, so they load synchronously without fs or fetch; browser bundles
 * get builds-browser.ts instead, which fetches only the one build the browser needs.
 */
import * as BINARY from './binary.js';

export type BuildName = keyof typeof BINARY;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** The build's bytes now, or null where they can only arrive asynchronously. */
export function buildBytesSync(name: BuildName): Uint8Array<ArrayBuffer> | null {
  return decodeBase64(BINARY[name]);
}

export async function buildBytes(name: BuildName): Promise<Uint8Array<ArrayBuffer>> {
  return decodeBase64(BINARY[name]);
}
