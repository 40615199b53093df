/** Greyscale and heat-map pictures of tensors on canvases: images, filters, feature maps, matrices. */
export interface Plane {
  values: ArrayLike<number>;
  height: number;
  width: number;
}

/** Draws `plane` scaled into the box at (x, y) of size w×h, min-max normalised unless a range is given. */
export function drawPlane(ctx: CanvasRenderingContext2D, plane: Plane, x: number, y: number, w: number, h: number, range?: [number, number], heat = false): void {
  const { values, height, width } = plane;
  let lo = range?.[0] ?? Infinity;
  let hi = range?.[1] ?? -Infinity;
  if (!range) for (let i = 0; i < height * width; i++) [lo, hi] = [Math.min(lo, values[i]), Math.max(hi, values[i])];
  const span = hi - lo || 1;
  const img = new ImageData(width, height);
  for (let i = 0; i < height * width; i++) {
    const t = Math.max(0, Math.min(1, (values[i] - lo) / span));
    const [r, g, b] = heat ? [255 * Math.min(1, 2 * t), 255 * Math.max(0, 2 * t - 1), 255 * Math.max(0, 1 - 2 * t) * 0.6] : [255 * t, 255 * t, 255 * t];
    img.data.set([r, g, b, 255], 4 * i);
  }
  const tmp = new OffscreenCanvas(width, height);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, x, y, w, h);
}

/** Lays `planes` out in one row across the canvas, each square, with a 4-pixel gap. */
export function drawRow(canvas: HTMLCanvasElement, planes: readonly Plane[], heat = false): void {
  const ctx = canvas.getContext('2d')!;
  const side = Math.min(canvas.height, Math.floor((canvas.width - 4 * (planes.length - 1)) / Math.max(1, planes.length)));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  planes.forEach((p, i) => drawPlane(ctx, p, i * (side + 4), 0, side, side, undefined, heat));
}

/** Splits a [C, H, W] (or [O, 1, H, W]) array into C planes. */
export function planes(values: ArrayLike<number>, count: number, height: number, width: number): Plane[] {
  const size = height * width;
  return Array.from({ length: count }, (_, c) => ({ values: Array.prototype.slice.call(values, c * size, (c + 1) * size) as number[], height, width }));
}

/** An HTML table of a matrix, highlighting the cells `hi` says, greying the ones `pad` says. */
export function matrixTable(rows: readonly (readonly (number | string)[])[], hi: (r: number, c: number) => boolean = () => false, pad: (r: number, c: number) => boolean = () => false): string {
  const cell = (v: number | string, r: number, c: number): string => `<td class="${hi(r, c) ? 'hi' : pad(r, c) ? 'pad' : ''}">${typeof v === 'string' || Number.isInteger(v) ? v : v.toFixed(2)}</td>`;
  return `<table class="m">${rows.map((row, r) => `<tr>${row.map((v, c) => cell(v, r, c)).join('')}</tr>`).join('')}</table>`;
}
