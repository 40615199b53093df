/** The zoo models the ONNX export tests run and tools/check_onnx_exports.py checks, each at a small input size. */
import * as ck from '../../../src/index.js';
import type { Module } from '../../../src/nn/module.js';

const M = ck.models;
export const ZOO_CASES: [string, () => Module, number[]][] = [
  ['lenet5 (sigmoid, avg-pool)', () => M.lenet5(), [2, 1, 32, 32]],
  ['lenet5 (relu, max-pool)', () => M.lenet5({ activation: 'relu', pool: 'max' }), [2, 1, 32, 32]],
  ['simpleCnn', () => M.simpleCnn(), [2, 3, 32, 32]],
  ['residualNet', () => M.residualNet(), [2, 3, 32, 32]],
  ['alexnet', () => M.alexnet({ numClasses: 10 }), [2, 3, 63, 63]],
  // VGG's 120M-weight classifier is the same for every configuration and takes most of a VGG's build and
  // export time: the whole VGG-11 once, then each configuration's feature stack (what differs between them)
  ['vgg A (VGG-11, classifier included)', () => M.vgg('A', { numClasses: 10 }), [1, 3, 32, 32]],
  ...(['A', 'A-LRN', 'B', 'C', 'D', 'E'] as const).flatMap((c): [string, () => Module, number[]][] => [
    [`vgg ${c} features`, () => M.makeLayers(M.VGG_CONFIGS[c]), [2, 3, 32, 32]],
    ...(c === 'A-LRN' ? [] : [[`vgg ${c} features + BatchNorm`, () => M.makeLayers(M.VGG_CONFIGS[c], { batchNorm: true }), [2, 3, 32, 32]] as [string, () => Module, number[]]]),
  ]),
  ['resnet18', () => M.resnet18({ numClasses: 10 }), [2, 3, 32, 32]],
  ['resnet34', () => M.resnet34({ numClasses: 10 }), [1, 3, 32, 32]],
  ['resnet50', () => M.resnet50({ numClasses: 10 }), [1, 3, 32, 32]],
  ['resnet101', () => M.resnet101({ numClasses: 10 }), [1, 3, 32, 32]],
  ['resnet152', () => M.resnet152({ numClasses: 10 }), [1, 3, 32, 32]],
  ['resnext50_32x4d', () => M.resnext50_32x4d({ numClasses: 10 }), [1, 3, 32, 32]],
  ['googlenet', () => M.googlenet({ numClasses: 10, transformInput: true }), [1, 3, 64, 64]],
  ['inceptionV3', () => M.inceptionV3({ numClasses: 10, transformInput: true }), [1, 3, 75, 75]],
  ['xception', () => M.xception({ numClasses: 10 }), [1, 3, 71, 71]],
  ['inceptionResnetV2', () => M.inceptionResnetV2({ numClasses: 10 }), [1, 3, 75, 75]],
];

