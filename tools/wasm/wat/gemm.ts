/**
 * WebAssembly text for single-precision GEMM, C (=|+=) A·B, in the BLIS shape: B is packed into NR-column
 * panels and A into MR-row panels, so the micro-kernel streams both with unit stride while an MR×NR block
 * of C sits in SIMD registers for the whole KC-long inner product. All strides are in elements; A and B may
 * be any strided view (a transposed operand costs nothing extra), C is row-major with leading dimension ldc.
 */

import { GEMM_SHAPE, type GemmShape } from '../../../src/backends/wasm/gemm-shape.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** a·b + c, fused (relaxed SIMD) or as a separate multiply and add. */
export function madd(fma: boolean, a: string, b: string, c: string): string {
  return fma ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add ${c} (f32x4.mul ${a} ${b}))`;
}

function microKernel(s: GemmShape, fma: boolean): string {
  const vecs = s.nr / 4;
  const acc = (r: number, q: number): string => `$c${r}_${q}`;
  const locals = range(s.mr).flatMap((r) => range(vecs).map((q) => `(local ${acc(r, q)} v128)`));
  const bLocals = range(vecs).map((q) => `(local $b${q} v128)`);
  const step = range(vecs).map((q) => `(local.set $b${q} (v128.load offset=${16 * q} (local.get $b)))`).concat(
    range(s.mr).flatMap((r) => [
      `(local.set $av (v128.load32_splat offset=${4 * r} (local.get $a)))`,
      ...range(vecs).map((q) => `(local.set ${acc(r, q)} ${madd(fma, '(local.get $av)', `(local.get $b${q})`, `(local.get ${acc(r, q)})`)})`),
    ]),
  );
  const store = (accumulate: boolean): string =>
    range(s.mr)
      .map((r) => {
        const row = range(vecs).map((q) => {
          const value = accumulate ? `(f32x4.add (v128.load offset=${16 * q} (local.get $c)) (local.get ${acc(r, q)}))` : `(local.get ${acc(r, q)})`;
          return `(v128.store offset=${16 * q} (local.get $c) ${value})`;
        });
        return [...row, `(local.set $c (i32.add (local.get $c) (local.get $ldc)))`].join('\n');
      })
      .join('\n');
  return `
  ;; C[mr×nr] (=|+=) sum over k of A[k][0..mr] ⊗ B[k][0..nr]; ldc in bytes; kc >= 1
  (func $ukernel (param $kc i32) (param $a i32) (param $b i32) (param $c i32) (param $ldc i32) (param $acc i32)
    ${bLocals.join(' ')} (local $av v128) ${locals.join(' ')}
    (loop $k
      ${step.join('\n      ')}
      (local.set $a (i32.add (local.get $a) (i32.const ${4 * s.mr})))
      (local.set $b (i32.add (local.get $b) (i32.const ${4 * s.nr})))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $acc) (then ${store(true)}) (else ${store(false)})))`;
}

const shuffle = (a: string, b: string, lanes: number[]): string =>
  `(i8x16.shuffle ${lanes.flatMap((l) => range(4).map((k) => 4 * l + k)).join(' ')} ${a} ${b})`;

/**
 * One whole NR-wide panel of a transposed B (rs = 4 bytes: each column a contiguous run from $src, cs bytes
 * apart) into $dst, which moves past it: four rows of four columns at a time are loaded as four column vectors
 * and transposed in registers into four row vectors (a scalar copy per element cost 4× as much), the last kc % 4
 * rows element by element.
 */
function transposedPanel(s: GemmShape): string {
  const column = (j: number): string => `(i32.add (local.get $at) ${j === 0 ? '(i32.const 0)' : `(i32.mul (local.get $cs) (i32.const ${j}))`})`;
  const block = (h: number): string[] => [
    ...range(4).map((l) => `(local.set $v${l} (v128.load ${column(4 * h + l)}))`),
    `(local.set $w0 ${shuffle('(local.get $v0)', '(local.get $v1)', [0, 4, 1, 5])})`,
    `(local.set $w1 ${shuffle('(local.get $v0)', '(local.get $v1)', [2, 6, 3, 7])})`,
    `(local.set $w2 ${shuffle('(local.get $v2)', '(local.get $v3)', [0, 4, 1, 5])})`,
    `(local.set $w3 ${shuffle('(local.get $v2)', '(local.get $v3)', [2, 6, 3, 7])})`,
    ...[[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]].map(([p, q, lanes], r) =>
      `(v128.store offset=${4 * (r * s.nr + 4 * h)} (local.get $dst) ${shuffle(`(local.get $w${p})`, `(local.get $w${q})`, lanes as number[])})`),
  ];
  const scalar = range(s.nr).map((j) => `(f32.store offset=${4 * j} (local.get $dst) (f32.load ${column(j)}))`);
  return `
          (local.set $at (local.get $src))
          (local.set $p (i32.const 4))
          (block $done (loop $blocks
            (br_if $done (i32.gt_u (local.get $p) (local.get $kc)))
            ${range(s.nr / 4).flatMap(block).join('\n            ')}
            (local.set $dst (i32.add (local.get $dst) (i32.const ${16 * s.nr})))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $blocks)))
          (local.set $p (i32.sub (local.get $p) (i32.const 4)))
          (block $done (loop $rows
            (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
            ${scalar.join('\n            ')}
            (local.set $dst (i32.add (local.get $dst) (i32.const ${4 * s.nr})))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))`;
}

/** Copies a kc×nc block of B (byte strides rs, cs) into NR-wide panels, zero-padding the last one. */
function packB(s: GemmShape): string {
  const vecCopy = range(s.nr / 4).map((q) => `(v128.store offset=${16 * q} (local.get $dst) (v128.load offset=${16 * q} (local.get $src)))`);
  return `
  (func $packB (param $b i32) (param $kc i32) (param $nc i32) (param $rs i32) (param $cs i32) (param $dst i32)
    (local $jr i32) (local $p i32) (local $src i32) (local $j i32) (local $cols i32) (local $at i32)
    ${range(4).map((l) => `(local $v${l} v128) (local $w${l} v128)`).join(' ')}
    (loop $panels
      (local.set $cols (call $min (i32.const ${s.nr}) (i32.sub (local.get $nc) (local.get $jr))))
      (local.set $src (i32.add (local.get $b) (i32.mul (local.get $jr) (local.get $cs))))
      (local.set $p (i32.const 0))
      (if (i32.and (i32.eq (local.get $cols) (i32.const ${s.nr})) (i32.eq (local.get $cs) (i32.const 4)))
        (then
          (loop $rows
            ${vecCopy.join('\n            ')}
            (local.set $dst (i32.add (local.get $dst) (i32.const ${4 * s.nr})))
            (local.set $src (i32.add (local.get $src) (local.get $rs)))
            (br_if $rows (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc)))))
        (else (if (i32.and (i32.eq (local.get $cols) (i32.const ${s.nr})) (i32.eq (local.get $rs) (i32.const 4)))
        (then
          ${transposedPanel(s)})
        (else
          (loop $rows
            (local.set $j (i32.const 0))
            (loop $cols
              (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                (if (result f32) (i32.lt_u (local.get $j) (local.get $cols))
                  (then (f32.load (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $cs)))))
                  (else (f32.const 0))))
              (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const ${s.nr}))))
            (local.set $dst (i32.add (local.get $dst) (i32.const ${4 * s.nr})))
            (local.set $src (i32.add (local.get $src) (local.get $rs)))
            (br_if $rows (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc))))))))
      (br_if $panels (i32.lt_u (local.tee $jr (i32.add (local.get $jr) (i32.const ${s.nr}))) (local.get $nc)))))`;
}

/** Copies an mc×kc block of A (byte strides rs, cs) into MR-tall panels stored k-major, zero-padding the last one. */
function packA(s: GemmShape): string {
  const rowLoads = range(s.mr).map(
    (i) => `(f32.store offset=${4 * i} (local.get $dst) (f32.load (i32.add (local.get $src) (i32.mul (local.get $rs) (i32.const ${i})))))`,
  );
  return `
  (func $packA (param $a i32) (param $mc i32) (param $kc i32) (param $rs i32) (param $cs i32) (param $dst i32)
    (local $ir i32) (local $p i32) (local $src i32) (local $i i32) (local $rows i32)
    (loop $panels
      (local.set $rows (call $min (i32.const ${s.mr}) (i32.sub (local.get $mc) (local.get $ir))))
      (local.set $src (i32.add (local.get $a) (i32.mul (local.get $ir) (local.get $rs))))
      (local.set $p (i32.const 0))
      (if (i32.eq (local.get $rows) (i32.const ${s.mr}))
        (then
          (loop $cols
            ${rowLoads.join('\n            ')}
            (local.set $dst (i32.add (local.get $dst) (i32.const ${4 * s.mr})))
            (local.set $src (i32.add (local.get $src) (local.get $cs)))
            (br_if $cols (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc)))))
        (else
          (loop $cols
            (local.set $i (i32.const 0))
            (loop $rows
              (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                (if (result f32) (i32.lt_u (local.get $i) (local.get $rows))
                  (then (f32.load (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rs)))))
                  (else (f32.const 0))))
              (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const ${s.mr}))))
            (local.set $dst (i32.add (local.get $dst) (i32.const ${4 * s.mr})))
            (local.set $src (i32.add (local.get $src) (local.get $cs)))
            (br_if $cols (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc))))))
      (br_if $panels (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const ${s.mr}))) (local.get $mc)))))`;
}

/** A partial tile at the right or bottom edge: the micro-kernel writes into scratch, then the valid part is copied. */
function edgeTile(s: GemmShape): string {
  return `
  (func $edge (param $kc i32) (param $a i32) (param $b i32) (param $c i32) (param $ldc i32) (param $acc i32)
              (param $rows i32) (param $cols i32) (param $tile i32)
    (local $i i32) (local $j i32) (local $dst i32) (local $src i32)
    (call $ukernel (local.get $kc) (local.get $a) (local.get $b) (local.get $tile) (i32.const ${4 * s.nr}) (i32.const 0))
    (loop $rows
      (local.set $dst (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
      (local.set $src (i32.add (local.get $tile) (i32.mul (local.get $i) (i32.const ${4 * s.nr}))))
      (local.set $j (i32.const 0))
      (loop $cols
        (f32.store (local.get $dst)
          (if (result f32) (local.get $acc)
            (then (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
            (else (f32.load (local.get $src)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $cols))))
      (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $rows)))))`;
}

/**
 * The driver: loops jc (NC columns) → pc (KC depth, B packed) → ic (MC rows, A packed) → jr → ir.
 * `work` is this caller's scratch of gemmScratchBytes(); every thread passes its own.
 */
function driver(s: GemmShape): string {
  const pbOffset = 4 * s.mc * s.kc;
  const tileOffset = pbOffset + 4 * s.kc * s.nc;
  return `
  (func $gemm (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $rsa i32) (param $csa i32) (param $b i32) (param $rsb i32) (param $csb i32)
    (param $c i32) (param $ldc i32) (param $accumulate i32) (param $work i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $acc i32) (local $pa i32) (local $pb i32) (local $ctile i32)
    (local.set $rsa (i32.shl (local.get $rsa) (i32.const 2)))
    (local.set $csa (i32.shl (local.get $csa) (i32.const 2)))
    (local.set $rsb (i32.shl (local.get $rsb) (i32.const 2)))
    (local.set $csb (i32.shl (local.get $csb) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (if (i32.or (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))) (i32.eqz (local.get $k))) (then (return)))
    (loop $jcLoop
      (local.set $nc (call $min (i32.const ${s.nc}) (i32.sub (local.get $n) (local.get $jc))))
      (local.set $pc (i32.const 0))
      (loop $pcLoop
        (local.set $kc (call $min (i32.const ${s.kc}) (i32.sub (local.get $k) (local.get $pc))))
        (local.set $acc (i32.or (local.get $accumulate) (i32.ne (local.get $pc) (i32.const 0))))
        (local.set $pb (i32.add (local.get $work) (i32.const ${pbOffset})))
        (local.set $ctile (i32.add (local.get $work) (i32.const ${tileOffset})))
        (call $packB (i32.add (local.get $b) (i32.add (i32.mul (local.get $pc) (local.get $rsb)) (i32.mul (local.get $jc) (local.get $csb))))
          (local.get $kc) (local.get $nc) (local.get $rsb) (local.get $csb) (local.get $pb))
        (local.set $ic (i32.const 0))
        (loop $icLoop
          (local.set $mc (call $min (i32.const ${s.mc}) (i32.sub (local.get $m) (local.get $ic))))
          (call $packA (i32.add (local.get $a) (i32.add (i32.mul (local.get $ic) (local.get $rsa)) (i32.mul (local.get $pc) (local.get $csa))))
            (local.get $mc) (local.get $kc) (local.get $rsa) (local.get $csa) (local.get $work))
          (local.set $jr (i32.const 0))
          (loop $jrLoop
            (local.set $ir (i32.const 0))
            (loop $irLoop
              (local.set $pa (i32.add (local.get $work) (i32.mul (local.get $ir) (i32.shl (local.get $kc) (i32.const 2)))))
              (call $tile (local.get $kc) (local.get $pa)
                (i32.add (local.get $pb) (i32.mul (local.get $jr) (i32.shl (local.get $kc) (i32.const 2))))
                (i32.add (local.get $c) (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc))
                                                 (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2))))
                (local.get $ldc) (local.get $acc)
                (i32.sub (local.get $mc) (local.get $ir)) (i32.sub (local.get $nc) (local.get $jr)) (local.get $ctile))
              (br_if $irLoop (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const ${s.mr}))) (local.get $mc))))
            (br_if $jrLoop (i32.lt_u (local.tee $jr (i32.add (local.get $jr) (i32.const ${s.nr}))) (local.get $nc))))
          (br_if $icLoop (i32.lt_u (local.tee $ic (i32.add (local.get $ic) (i32.const ${s.mc}))) (local.get $m))))
        (br_if $pcLoop (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (i32.const ${s.kc}))) (local.get $k))))
      (br_if $jcLoop (i32.lt_u (local.tee $jc (i32.add (local.get $jc) (i32.const ${s.nc}))) (local.get $n)))))

  ;; a batch of products with element strides sa, sb, sc between the matrices of A, B and C
  (func (export "gemmBatch") (param $batch i32) (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $sa i32) (param $rsa i32) (param $csa i32) (param $b i32) (param $sb i32) (param $rsb i32) (param $csb i32)
    (param $c i32) (param $sc i32) (param $ldc i32) (param $accumulate i32) (param $work i32)
    (block $done
      (loop $each
        (br_if $done (i32.le_s (local.get $batch) (i32.const 0)))
        (call $gemm (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $rsa) (local.get $csa)
          (local.get $b) (local.get $rsb) (local.get $csb) (local.get $c) (local.get $ldc) (local.get $accumulate) (local.get $work))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $sa) (i32.const 2))))
        (local.set $b (i32.add (local.get $b) (i32.shl (local.get $sb) (i32.const 2))))
        (local.set $c (i32.add (local.get $c) (i32.shl (local.get $sc) (i32.const 2))))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $each))))

  ;; one register tile: straight into C when whole, through scratch at the edges
  (func $tile (param $kc i32) (param $a i32) (param $b i32) (param $c i32) (param $ldc i32) (param $acc i32)
              (param $rows i32) (param $cols i32) (param $scratch i32)
    (if (i32.and (i32.ge_u (local.get $rows) (i32.const ${s.mr})) (i32.ge_u (local.get $cols) (i32.const ${s.nr})))
      (then (call $ukernel (local.get $kc) (local.get $a) (local.get $b) (local.get $c) (local.get $ldc) (local.get $acc)))
      (else (call $edge (local.get $kc) (local.get $a) (local.get $b) (local.get $c) (local.get $ldc) (local.get $acc)
                        (call $min (local.get $rows) (i32.const ${s.mr})) (call $min (local.get $cols) (i32.const ${s.nr}))
                        (local.get $scratch)))))`;
}

export function gemmWat(fma: boolean, s: GemmShape = GEMM_SHAPE): string {
  if (s.nr % 4 !== 0) throw new Error(`gemm: NR must be a multiple of 4, got ${s.nr}`);
  return [microKernel(s, fma), packB(s), packA(s), edgeTile(s), driver(s)].join('\n');
}
