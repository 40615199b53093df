/** The benchmark's workloads (issue 7): what each computes, how much arithmetic it is, how its result is reported. */
export type Unit = 'GFLOP/s' | 'ms' | 'img/s';

export interface Workload {
  id: string;
  title: string;
  unit: Unit;
  /** floating-point operations of one timed run (multiply and add counted separately), for GFLOP/s and the physical limit */
  flops: number;
  /** images processed by one timed run, for img/s */
  images?: number;
}

/** 2·N·O·L·C·K: one multiply and one add per weight tap per output element. */
const convFlops = (n: number, c: number, o: number, outPlane: number, k: number, groups = 1): number => 2 * n * o * outPlane * (c / groups) * k;

/** LeNet-5 forward flops per 28×28 image (conv1 pad 2, as torchvision-style LeNet for MNIST): conv1, conv2, fc1-3. */
const lenetForward = convFlops(1, 1, 6, 28 * 28, 25) + convFlops(1, 6, 16, 10 * 10, 25) + 2 * (400 * 120 + 120 * 84 + 84 * 10);
/** ResNet-18 at 224×224: 1.82 GMAC (torchvision's published figure), so 3.64 GFLOP per image. */
const resnet18Flops = (batch: number, side: number): number => 3.64e9 * batch * (side / 224) ** 2;

export const WORKLOADS: readonly Workload[] = [
  { id: 'gemm', title: 'GEMM 1024×1024×1024', unit: 'GFLOP/s', flops: 2 * 1024 ** 3 },
  { id: 'conv3x3', title: 'conv2d fwd [8,64,56,56]×[64,64,3,3] pad 1', unit: 'ms', flops: convFlops(8, 64, 64, 56 * 56, 9) },
  // backward = input gradient + weight gradient, each as much arithmetic as the forward
  { id: 'conv3x3-bwd', title: 'conv2d bwd (dx + dw) of the same', unit: 'ms', flops: 2 * convFlops(8, 64, 64, 56 * 56, 9) },
  { id: 'conv1x1', title: 'conv2d fwd 1×1 [8,256,56,56]→64', unit: 'ms', flops: convFlops(8, 256, 64, 56 * 56, 1) },
  { id: 'depthwise', title: 'depthwise conv2d fwd 3×3 [8,128,56,56] pad 1', unit: 'ms', flops: convFlops(8, 128, 128, 56 * 56, 9, 128) },
  { id: 'resnet18-b1', title: 'ResNet-18 inference, 1×3×224×224', unit: 'ms', flops: resnet18Flops(1, 224) },
  { id: 'resnet18-b8', title: 'ResNet-18 inference, 8×3×224×224', unit: 'ms', flops: resnet18Flops(8, 224) },
  // training: forward + backward ≈ 3× the forward arithmetic
  { id: 'lenet5-train', title: 'LeNet-5 training step, Fashion-MNIST batch 64', unit: 'img/s', flops: 3 * 64 * lenetForward, images: 64 },
  { id: 'resnet18-train', title: 'ResNet-18 training step, 16×3×64×64', unit: 'ms', flops: 3 * resnet18Flops(16, 64) },
];
