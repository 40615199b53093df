/**
 * The ONNX messages convkit reads and writes (onnx.proto3: ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto), as plain objects, with their encoding and decoding. Field numbers are onnx.proto's.
 */
import { DataType } from './data-type.js';
import { ProtoMessage, ProtoWriter } from './protobuf.js';

export { DataType };
const DATA_TYPE_NAMES: Record<number, string> = { 1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };
export const dataTypeName = (t: number): string => DATA_TYPE_NAMES[t] ?? `data type ${t}`;

/** Values as numbers whatever the stored type (int64 as safe JS numbers). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  values: Float32Array | Float64Array | Int32Array | number[];
}

export type AttrValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  domain: string;
  attrs: Record<string, AttrValue>;
}

/** A graph input or output: element type and dims (a string is a symbolic dim such as 'batch'). */
export interface ValueInfo {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
}

const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

// ---- encoding ----

function tensorBytes(t: OnnxTensor): Uint8Array {
  const n = t.values.length;
  switch (t.dataType) {
    case DataType.FLOAT: return new Uint8Array(Float32Array.from(t.values).buffer);
    case DataType.DOUBLE: return new Uint8Array(Float64Array.from(t.values).buffer);
    case DataType.INT32: return new Uint8Array(Int32Array.from(t.values).buffer);
    case DataType.INT64: {
      const b = new BigInt64Array(n);
      for (let i = 0; i < n; i++) b[i] = BigInt(t.values[i]);
      return new Uint8Array(b.buffer);
    }
    case DataType.BOOL: case DataType.UINT8: return Uint8Array.from(t.values);
    default: throw new TypeError(`onnx: cannot write tensor '${t.name}' of ${dataTypeName(t.dataType)}`);
  }
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  const expected = t.dims.reduce((a, b) => a * b, 1);
  if (expected !== t.values.length) throw new RangeError(`onnx: tensor '${t.name}' has dims [${t.dims}] (${expected} values) but ${t.values.length} values`);
  if (t.dims.length) w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  if (t.name) w.string(8, t.name);
  w.bytes(9, tensorBytes(t));
}

function writeAttr(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  w.int(20, ATTR_TYPE[a.type]);
  switch (a.type) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.int(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'tensor': w.message(5, (m) => writeTensor(m, a.value)); break;
    case 'floats': for (const v of a.value) w.float(7, v); break;
    case 'ints': for (const v of a.value) w.int(8, v); break;
    case 'strings': for (const v of a.value) w.string(9, v); break;
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, a] of Object.entries(n.attrs)) w.message(5, (m) => writeAttr(m, k, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tt) => {
    tt.int(1, v.elemType);
    tt.message(2, (shape) => {
      for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
    });
  }));
}

/** Serialises a model to ONNX's protobuf bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.message(7, (g) => {
    for (const n of m.graph.nodes) g.message(1, (x) => writeNode(x, n));
    g.string(2, m.graph.name);
    for (const t of m.graph.initializers) g.message(5, (x) => writeTensor(x, t));
    for (const v of m.graph.inputs) g.message(11, (x) => writeValueInfo(x, v));
    for (const v of m.graph.outputs) g.message(12, (x) => writeValueInfo(x, v));
  });
  for (const o of m.opsetImport) w.message(8, (x) => { if (o.domain) x.string(1, o.domain); x.int(2, o.version); });
  return w.finish();
}

// ---- decoding ----

/** Where a tensor stored outside the model file (TensorProto.external_data) lives, and what it is. */
export interface ExternalRef {
  location: string;
  offset: number;
  /** Bytes to read; null for "to the end of the file". */
  length: number | null;
  name: string;
  dims: number[];
  dataType: number;
}

/** Supplies the bytes of a tensor stored outside the model file. */
export type ExternalDataReader = (ref: ExternalRef) => Uint8Array;

function fromRaw(raw: Uint8Array, dataType: number, name: string): OnnxTensor['values'] {
  // a copy with its own aligned buffer (Node's Buffer.slice would share the file's memory instead)
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  switch (dataType) {
    case DataType.FLOAT: return new Float32Array(copy.buffer, 0, copy.length / 4);
    case DataType.DOUBLE: return new Float64Array(copy.buffer, 0, copy.length / 8);
    case DataType.INT32: return new Int32Array(copy.buffer, 0, copy.length / 4);
    case DataType.INT64: return Array.from(new BigInt64Array(copy.buffer, 0, copy.length / 8), (v) => Number(v));
    case DataType.BOOL: case DataType.UINT8: return Array.from(copy);
    case DataType.INT8: return Array.from(new Int8Array(copy.buffer));
    default: throw new TypeError(`onnx: tensor '${name}' has ${dataTypeName(dataType)}, which convkit does not read (float, double, int8, uint8, int32, int64, bool)`);
  }
}

function readTensor(buf: Uint8Array, external?: ExternalDataReader): OnnxTensor {
  const m = new ProtoMessage(buf, 'TensorProto');
  const name = m.string(8);
  const dims = m.ints(1);
  const dataType = m.int(2);
  let values: OnnxTensor['values'];
  if (m.int(14) === 1) {
    const entries = Object.fromEntries(m.messages(13, 'StringStringEntryProto').map((e) => [e.string(1), e.string(2)]));
    if (!external) throw new Error(`onnx: tensor '${name}' is stored in external file '${entries.location}'; pass { externalData } to read it`);
    const raw = external({ location: entries.location, offset: Number(entries.offset ?? 0), length: entries.length != null ? Number(entries.length) : null, name, dims, dataType });
    if (!(raw instanceof Uint8Array)) throw new TypeError(`onnx: externalData returned ${typeof raw} for tensor '${name}', expected a Uint8Array`);
    values = fromRaw(raw, dataType, name);
  } else if (m.has(9)) values = fromRaw(m.bytes(9)!, dataType, name);
  else if (dataType === DataType.FLOAT) values = Float32Array.from(m.floats(4));
  else if (dataType === DataType.DOUBLE) values = Float64Array.from(m.doubles(10));
  else if (dataType === DataType.INT64) values = m.ints(7);
  else if ([DataType.INT32, DataType.BOOL, DataType.UINT8, DataType.INT8].includes(dataType as 6)) values = m.ints(5);
  else throw new TypeError(`onnx: tensor '${name}' has ${dataTypeName(dataType)}, which convkit does not read`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new RangeError(`onnx: tensor '${name}' has dims [${dims}] (${count} values) but holds ${values.length}`);
  return { name, dims, dataType, values };
}

function readAttr(buf: Uint8Array, external?: ExternalDataReader): [string, AttrValue] {
  const m = new ProtoMessage(buf, 'AttributeProto');
  const name = m.string(1);
  const type = m.int(20);
  switch (type) {
    case 1: return [name, { type: 'float', value: m.float(2) }];
    case 2: return [name, { type: 'int', value: m.int(3) }];
    case 3: return [name, { type: 'string', value: m.string(4) }];
    case 4: return [name, { type: 'tensor', value: readTensor(m.bytes(5)!, external) }];
    case 6: return [name, { type: 'floats', value: m.floats(7) }];
    case 7: return [name, { type: 'ints', value: m.ints(8) }];
    case 8: return [name, { type: 'strings', value: m.strings(9) }];
    default: throw new TypeError(`onnx: attribute '${name}' has type ${type} (graphs and sparse tensors are not supported)`);
  }
}

function readNode(buf: Uint8Array, external?: ExternalDataReader): OnnxNode {
  const m = new ProtoMessage(buf, 'NodeProto');
  return {
    inputs: m.strings(1),
    outputs: m.strings(2),
    name: m.string(3),
    opType: m.string(4),
    domain: m.string(7),
    attrs: Object.fromEntries(m.bytesList(5).map((b) => readAttr(b, external))),
  };
}

function readValueInfo(buf: Uint8Array): ValueInfo {
  const m = new ProtoMessage(buf, 'ValueInfoProto');
  const tensorType = m.messages(2, 'TypeProto')[0]?.messages(1, 'TypeProto.Tensor')[0];
  const dims = tensorType?.messages(2, 'TensorShapeProto')[0]?.messages(1, 'Dimension')
    .map((d) => (d.has(1) ? d.int(1) : d.string(2) || '?')) ?? [];
  return { name: m.string(1), elemType: tensorType?.int(1) ?? 0, dims };
}

/** Parses ONNX protobuf bytes. */
export function decodeModel(bytes: Uint8Array, external?: ExternalDataReader): OnnxModel {
  const m = new ProtoMessage(bytes, 'ModelProto');
  const g = m.messages(7, 'GraphProto')[0];
  if (!g) throw new Error('onnx: the file holds no graph (not an ONNX model?)');
  return {
    irVersion: m.int(1),
    producerName: m.string(2),
    producerVersion: m.string(3),
    opsetImport: m.messages(8, 'OperatorSetIdProto').map((o) => ({ domain: o.string(1), version: o.int(2) })),
    graph: {
      nodes: g.bytesList(1).map((b) => readNode(b, external)),
      name: g.string(2),
      initializers: g.bytesList(5).map((b) => readTensor(b, external)),
      inputs: g.bytesList(11).map(readValueInfo),
      outputs: g.bytesList(12).map(readValueInfo),
    },
  };
}
