/**
 * The protocol-buffer wire format, as much of it as ONNX files use: varints (wire type 0), 64-bit
 * (1, read only), length-delimited bytes and sub-messages (2) and 32-bit floats (5). Field numbers and
 * meanings live in proto.ts; this file knows bytes only.
 */

/** Appends protobuf fields to a growing buffer; `message` nests a sub-message as length-delimited bytes. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.size += this.scratch.length;
    this.scratch = [];
  }

  private varint(v: number | bigint): void {
    // negative int64 values are written as their 64-bit two's complement (10 bytes), as protobuf does
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.scratch.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.scratch.push(Number(n));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new RangeError(`protobuf: field ${field} expects an integer, got ${v}`);
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.scratch.push(...b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    this.flush();
    this.chunks.push(data);
    this.size += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** Repeated int64 written packed (one length-delimited run), as proto3 does by default. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** One decoded field: varints and fixed-width numbers as bigint, length-delimited as a byte view. */
export interface ProtoField {
  field: number;
  wire: number;
  value: bigint | Uint8Array;
}

/** Splits one message into its fields (views into `buf`, no copies); throws on truncated or malformed input. */
export function readFields(buf: Uint8Array, what = 'message'): ProtoField[] {
  const out: ProtoField[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= buf.length) throw new RangeError(`protobuf: truncated varint in ${what} at byte ${at}`);
      const b = buf[at++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new RangeError(`protobuf: varint longer than 10 bytes in ${what} at byte ${at}`);
  };
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new RangeError(`protobuf: field number 0 in ${what} at byte ${at}`);
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (at + n > buf.length) throw new RangeError(`protobuf: truncated fixed field ${field} in ${what}`);
      out.push({ field, wire, value: wire === 1 ? dv.getBigUint64(at, true) : BigInt(dv.getUint32(at, true)) });
      at += n;
    } else if (wire === 2) {
      const len = Number(varint());
      if (at + len > buf.length) throw new RangeError(`protobuf: field ${field} of ${what} claims ${len} bytes, only ${buf.length - at} left`);
      out.push({ field, wire, value: buf.subarray(at, at + len) });
      at += len;
    } else throw new RangeError(`protobuf: unsupported wire type ${wire} (field ${field}) in ${what}`);
  }
  return out;
}

/** Field accessors over one decoded message. */
export class ProtoMessage {
  readonly fields: ProtoField[];
  constructor(buf: Uint8Array, readonly what: string) {
    this.fields = readFields(buf, what);
  }

  private all(field: number): ProtoField[] {
    return this.fields.filter((f) => f.field === field);
  }

  bytesList(field: number): Uint8Array[] {
    return this.all(field).map((f) => {
      if (!(f.value instanceof Uint8Array)) throw new TypeError(`protobuf: ${this.what} field ${field} should be length-delimited`);
      return f.value;
    });
  }

  bytes(field: number): Uint8Array | undefined {
    const l = this.bytesList(field);
    return l[l.length - 1];
  }

  string(field: number): string {
    const b = this.bytes(field);
    return b ? new TextDecoder().decode(b) : '';
  }

  strings(field: number): string[] {
    return this.bytesList(field).map((b) => new TextDecoder().decode(b));
  }

  /** Repeated int64, packed or not; signed. */
  ints(field: number): number[] {
    const out: number[] = [];
    for (const f of this.all(field)) {
      if (typeof f.value === 'bigint') out.push(Number(BigInt.asIntN(64, f.value)));
      else for (const v of readPackedVarints(f.value, this.what)) out.push(Number(BigInt.asIntN(64, v)));
    }
    return out;
  }

  int(field: number, fallback = 0): number {
    const l = this.ints(field);
    return l.length ? l[l.length - 1] : fallback;
  }

  /** Repeated float (fixed32), packed or not. */
  floats(field: number): number[] {
    const out: number[] = [];
    const f32 = new DataView(new ArrayBuffer(4));
    for (const f of this.all(field)) {
      if (typeof f.value === 'bigint') {
        f32.setUint32(0, Number(f.value), true);
        out.push(f32.getFloat32(0, true));
      } else {
        const dv = new DataView(f.value.buffer, f.value.byteOffset, f.value.byteLength);
        for (let i = 0; i + 4 <= f.value.length; i += 4) out.push(dv.getFloat32(i, true));
      }
    }
    return out;
  }

  float(field: number, fallback = 0): number {
    const l = this.floats(field);
    return l.length ? l[l.length - 1] : fallback;
  }

  /** Repeated double (fixed64), packed or not. */
  doubles(field: number): number[] {
    const out: number[] = [];
    const dv8 = new DataView(new ArrayBuffer(8));
    for (const f of this.all(field)) {
      if (typeof f.value === 'bigint') {
        dv8.setBigUint64(0, f.value, true);
        out.push(dv8.getFloat64(0, true));
      } else {
        const dv = new DataView(f.value.buffer, f.value.byteOffset, f.value.byteLength);
        for (let i = 0; i + 8 <= f.value.length; i += 8) out.push(dv.getFloat64(i, true));
      }
    }
    return out;
  }

  messages(field: number, what: string): ProtoMessage[] {
    return this.bytesList(field).map((b) => new ProtoMessage(b, what));
  }

  has(field: number): boolean {
    return this.fields.some((f) => f.field === field);
  }
}

function readPackedVarints(buf: Uint8Array, what: string): bigint[] {
  const out: bigint[] = [];
  let at = 0;
  while (at < buf.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buf.length) throw new RangeError(`protobuf: truncated packed varint in ${what}`);
      const b = buf[at++];
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
      if (shift > 63n) throw new RangeError(`protobuf: packed varint longer than 10 bytes in ${what}`);
    }
    out.push(result);
  }
  return out;
}
