/**
 * The protobuf codec as a chunk of its own for `ck.onnx.decodeModel`/`encodeModel` (lazy-import.ts): loading it does
 * not load the importer's operators. It imports the main entry as every lazy part does (src/index.ts says why);
 * proto.ts itself does not, so it stays a plain codec.
 */
import '../../index.js';
export { decodeModel, encodeModel } from './proto.js';
