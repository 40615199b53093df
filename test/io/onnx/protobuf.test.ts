/** The protobuf wire format against byte strings from the protobuf encoding guide and protoc, and ONNX messages round-tripping. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtoMessage, ProtoWriter, readFields } from '../../../src/io/onnx/protobuf.js';
import { DataType, decodeModel, encodeModel, type OnnxModel } from '../../../src/io/onnx/proto.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('protobuf: varints, negative int64, strings, floats, packed and nested fields as protoc writes them', () => {
  // the encoding guide's examples: field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67
  assert.equal(hex(new ProtoWriter().int(1, 150).finish()), '089601');
  assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
  // int64 -1 is ten bytes of two's complement
  assert.equal(hex(new ProtoWriter().int(3, -1).finish()), '18ffffffffffffffffff01');
  assert.equal(hex(new ProtoWriter().float(2, 1.5).finish()), '150000c03f');
  // packed repeated [3, 270, 86942] (the guide's example, field 4)
  assert.equal(hex(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish()), '2206038e029ea705');
  assert.equal(hex(new ProtoWriter().message(3, (m) => m.int(1, 150)).finish()), '1a03089601');
  assert.throws(() => new ProtoWriter().int(1, 1.5), /protobuf: field 1 expects an integer, got 1.5/);
});

test('protobuf: reading gives the values back, packed or not, and refuses truncated or malformed input', () => {
  const w = new ProtoWriter().int(1, -7).int(1, 300).packedInts(1, [5, -2]).float(2, -0.25).string(3, 'é').message(4, (m) => m.int(1, 9));
  const m = new ProtoMessage(w.finish(), 'test');
  assert.deepEqual(m.ints(1), [-7, 300, 5, -2]);
  assert.equal(m.float(2), -0.25);
  assert.equal(m.string(3), 'é');
  assert.equal(m.messages(4, 'inner')[0].int(1), 9);
  assert.equal(m.int(9, 42), 42, 'a missing field reads as its default');
  assert.throws(() => readFields(Uint8Array.from([0x08, 0x96]), 'x'), /protobuf: truncated varint in x/);
  assert.throws(() => readFields(Uint8Array.from([0x12, 0x05, 0x61]), 'x'), /protobuf: field 2 of x claims 5 bytes, only 1 left/);
  assert.throws(() => readFields(Uint8Array.from([0x0b]), 'x'), /protobuf: unsupported wire type 3 \(field 1\) in x/);
  assert.throws(() => readFields(Uint8Array.from([0x00]), 'x'), /protobuf: field number 0 in x/);
});

test('onnx messages: a model encodes and decodes to itself (every attribute type, int64 and float tensors, symbolic dims)', () => {
  const model: OnnxModel = {
    irVersion: 8, producerName: 'convkit', producerVersion: '0.1.0', opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      nodes: [{
        opType: 'Conv', name: 'c', domain: '', inputs: ['x', 'w', ''], outputs: ['y'],
        attrs: {
          pads: { type: 'ints', value: [1, 1, -1, 1] }, group: { type: 'int', value: 2 }, alpha: { type: 'float', value: 0.5 },
          mode: { type: 'string', value: 'reflect' }, scales: { type: 'floats', value: [1.5, 2] }, names: { type: 'strings', value: ['a', 'b'] },
          value: { type: 'tensor', value: { name: '', dims: [2], dataType: DataType.INT64, values: [-1, 2 ** 40] } },
        },
      }],
      initializers: [{ name: 'w', dims: [2, 1], dataType: DataType.FLOAT, values: Float32Array.from([0.25, -3]) }],
      inputs: [{ name: 'x', elemType: DataType.FLOAT, dims: ['batch', 3] }],
      outputs: [{ name: 'y', elemType: DataType.FLOAT, dims: ['batch', 2] }],
    },
  };
  assert.deepEqual(decodeModel(encodeModel(model)), model);
  const bad = { ...model, graph: { ...model.graph, initializers: [{ name: 'w', dims: [3], dataType: DataType.FLOAT, values: Float32Array.from([1]) }] } };
  assert.throws(() => encodeModel(bad), /onnx: tensor 'w' has dims \[3\] \(3 values\) but 1 values/);
  assert.throws(() => decodeModel(Uint8Array.from([0x08, 0x08])), /onnx: the file holds no graph \(not an ONNX model\?\)/);
});
