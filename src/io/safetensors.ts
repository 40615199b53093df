/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON mapping each tensor name to `{ dtype, shape, data_offsets: [begin, end] }`
 * (offsets relative to the data section, which follows the header), an optional `__metadata__` map of
 * strings, then the raw little-endian tensor data. Loading validates everything before it creates a
 * single tensor, so a corrupt or truncated file is an error, never a half-loaded model.
 */
import { currentBackend } from '../backends/registry.js';
import { fmt, numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import type { StateDict } from '../nn/module.js';
import { wrap } from '../ops/dispatch.js';
import {
  bytesPerElement, convkitDType, decode, encode, isSafetensorsDType, safetensorsDType, SAFETENSORS_DTYPES,
  type SafetensorsDType,
} from './safetensors-dtypes.js';

export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  /** In the header's order. */
  tensors: Record<string, SafetensorsEntry>;
  /** Byte position of the data section in the file (8 + header length). */
  dataStart: number;
}

export interface SaveSafetensorsOptions {
  /** Free-form string pairs stored in the header's `__metadata__` (format, framework, licence...). */
  metadata?: Record<string, string>;
}

/** The reference implementation refuses larger headers; a bigger number means a corrupt length field. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
/** The format nests three levels (header, entry, shape); deeper JSON is refused before JSON.parse recurses into it. */
const MAX_HEADER_DEPTH = 16;

function fail(message: string): never {
  throw new Error(`loadSafetensors: ${message}`);
}

function asBytes(source: Uint8Array | ArrayBuffer, op: string): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new TypeError(`${op}: expected a Uint8Array or an ArrayBuffer, got ${source === null ? 'null' : typeof source}`);
}

/** Sets an own property, so that a name like `__proto__` is a key like any other instead of a prototype. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * One pass over the header text, before JSON.parse: its nesting depth (refused past MAX_HEADER_DEPTH, where a
 * recursive parser would overflow the stack) and the top-level keys in order (JSON.parse keeps only the last
 * of duplicates; the format forbids them).
 */
function scanHeader(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(parseKey(text.slice(i, j + 1)));
      expectKey = false;
      i = j;
    } else if (ch === '{' || ch === '[') {
      if (++depth > MAX_HEADER_DEPTH) fail(`the header nests deeper than ${MAX_HEADER_DEPTH} levels (the format needs 3)`);
      expectKey = ch === '{' && depth === 1;
    } else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

function parseKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message} in the name ${literal.slice(0, 40)})`);
  }
}

function checkUnique(keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) fail(`the header names '${k}' twice (the format forbids duplicate names)`);
    seen.add(k);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseMetadata(raw: unknown): Record<string, string> {
  if (!isRecord(raw)) fail(`__metadata__ must be an object of strings, got ${JSON.stringify(raw)}`);
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') fail(`__metadata__ value of '${k}' must be a string, got ${JSON.stringify(v)}`);
  }
  return raw as Record<string, string>;
}

function parseEntry(name: string, raw: unknown): SafetensorsEntry {
  if (!isRecord(raw)) fail(`tensor '${name}': expected an object with dtype, shape and data_offsets, got ${JSON.stringify(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (!isSafetensorsDType(dtype)) fail(`tensor '${name}': unsupported dtype ${JSON.stringify(dtype)} (supported: ${SAFETENSORS_DTYPES.join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isSize)) fail(`tensor '${name}': shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize) || offsets[0] > offsets[1]) {
    fail(`tensor '${name}': data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const needed = numel(shape) * bytesPerElement(dtype);
  if (offsets[1] - offsets[0] !== needed) {
    fail(`tensor '${name}': shape ${fmt(shape)} of ${dtype} needs ${needed} bytes, data_offsets ${JSON.stringify(offsets)} hold ${offsets[1] - offsets[0]}`);
  }
  return { dtype, shape: shape.slice(), dataOffsets: [offsets[0], offsets[1]] };
}

/** The tensors must tile the data section exactly: no gap, no overlap, nothing missing or left over. */
function checkLayout(tensors: Record<string, SafetensorsEntry>, dataBytes: number): void {
  const byOffset = Object.entries(tensors).sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let end = 0;
  let previous = '';
  for (const [name, { dataOffsets: [b, e] }] of byOffset) {
    if (b < end) fail(`tensor '${name}' (bytes ${b}..${e}) overlaps tensor '${previous}' (ends at ${end})`);
    if (b > end) fail(`${b - end} bytes before tensor '${name}' (offset ${b}) belong to no tensor`);
    end = e;
    previous = name;
  }
  if (end > dataBytes) fail(`truncated file: the header describes ${end} bytes of tensor data but only ${dataBytes} follow it`);
  if (end < dataBytes) fail(`${dataBytes - end} bytes after the last tensor belong to no tensor`);
}

function headerText(bytes: Uint8Array): { text: string; dataStart: number } {
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt length field?)`);
  const length = Number(n);
  if (8 + length > bytes.length) fail(`truncated file: the header length says ${length} bytes but only ${bytes.length - 8} follow it`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length));
  } catch {
    fail('the header is not valid UTF-8');
  }
  return { text, dataStart: 8 + length };
}

/** Parses and validates the header (names, dtypes, shapes, offsets against the file size) without reading data. */
export function readSafetensorsHeader(source: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = asBytes(source, 'loadSafetensors');
  const { text, dataStart } = headerText(bytes);
  if (!text.startsWith('{')) fail(`the header must be a JSON object, it starts with ${JSON.stringify(text.slice(0, 16))}`);
  const keys = scanHeader(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(json)) fail('the header must be a JSON object');
  checkUnique(keys);
  let metadata: Record<string, string> = {};
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const [name, raw] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(raw);
    else setOwn(tensors, name, parseEntry(name, raw));
  }
  checkLayout(tensors, bytes.length - dataStart);
  return { metadata, tensors, dataStart };
}

/** Reads a safetensors file's bytes into a state dict (tensor name to tensor), in the header's order. */
export function loadSafetensors(source: Uint8Array | ArrayBuffer): StateDict {
  const bytes = asBytes(source, 'loadSafetensors');
  const { tensors, dataStart } = readSafetensorsHeader(bytes);
  const backend = currentBackend();
  const out: StateDict = {};
  for (const [name, { dtype, shape, dataOffsets: [b, e] }] of Object.entries(tensors)) {
    const data = decode(bytes.subarray(dataStart + b, dataStart + e), dtype, numel(shape), name);
    setOwn(out, name, wrap(backend.fromHost(data, convkitDType(dtype)), shape, convkitDType(dtype)));
  }
  return out;
}

function checkStateDict(stateDict: StateDict, metadata: Record<string, string>): void {
  if (!isRecord(stateDict)) throw new TypeError('saveSafetensors: expected a state dict (an object of tensors)');
  for (const [name, t] of Object.entries(stateDict)) {
    if (name === '' || name === METADATA_KEY) throw new Error(`saveSafetensors: ${JSON.stringify(name)} cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: '${name}' is not a Tensor`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TypeError(`saveSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
  }
}

/**
 * Serialises a state dict to safetensors bytes. The header lists tensors in the state dict's order; the
 * data is laid out widest element type first (then by name), as the reference writer does, so that every
 * tensor starts on a multiple of its element size and readers may map it without copying.
 */
export function saveSafetensors(stateDict: StateDict, opts: SaveSafetensorsOptions = {}): Uint8Array {
  checkStateDict(stateDict, opts.metadata ?? {});
  const data = new Map(Object.keys(stateDict).map((n) => [n, encode(stateDict[n].dataSync())]));
  return assemble(stateDict, opts.metadata ?? {}, data);
}

/** saveSafetensors for tensors on any device: each one is read with `await t.data()` (a GPU has no synchronous read). */
export async function saveSafetensorsAsync(stateDict: StateDict, opts: SaveSafetensorsOptions = {}): Promise<Uint8Array> {
  checkStateDict(stateDict, opts.metadata ?? {});
  const names = Object.keys(stateDict);
  const arrays = await Promise.all(names.map((n) => stateDict[n].data()));
  return assemble(stateDict, opts.metadata ?? {}, new Map(names.map((n, i) => [n, encode(arrays[i])])));
}

function assemble(stateDict: StateDict, metadata: Record<string, string>, data: Map<string, Uint8Array>): Uint8Array {
  const names = Object.keys(stateDict);
  const width = (n: string): number => bytesPerElement(safetensorsDType(stateDict[n].dtype));
  const layout = names.slice().sort((a, b) => width(b) - width(a) || (a < b ? -1 : a > b ? 1 : 0));
  const offsets = new Map<string, [number, number]>();
  let end = 0;
  for (const n of layout) offsets.set(n, [end, (end += data.get(n)!.length)]);

  const header: Record<string, unknown> = Object.keys(metadata).length ? { [METADATA_KEY]: metadata } : {};
  for (const n of names) setOwn(header, n, { dtype: safetensorsDType(stateDict[n].dtype), shape: stateDict[n].shape, data_offsets: offsets.get(n) });
  const json = new TextEncoder().encode(JSON.stringify(header));
  // spaces pad the header so the data section starts 8-byte aligned, as the reference writer does
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + end);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  const body = out.subarray(8 + padded);
  for (const n of layout) body.set(data.get(n)!, offsets.get(n)![0]);
  return out;
}
