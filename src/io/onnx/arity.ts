/**
 * The argument-count check of ck.onnx's functions, which validate by hand rather than through parseArgs (their
 * messages predate it): a plain-JavaScript caller's extra argument is an error, never silently dropped.
 */
export function checkArity(op: string, given: number, names: readonly string[]): void {
  if (given > names.length) throw new TypeError(`${op}: takes at most ${names.length} arguments (${names.join(', ')}), got ${given}`);
}
