/**
 * Imported (for its effect only) by each part of the library that loads lazily with import(): the training
 * loop, feature visualisation, the ONNX exporter, the wasm and webgpu backends' JavaScript. Reaching the whole
 * main entry from every lazy part gives the modules the entry loads one and the same set of importers, so a
 * bundler that splits code by importer sets (esbuild) puts them all in one shared chunk instead of one chunk per
 * combination of lazy parts that use them: a page then loads 2 files for `import * as ck from 'convkit'`, not
 * 11, and about 7 KB less gzip (the chunks' import and export lists). (Rollup and Vite merge them anyway.)
 * A lazy part loads after the entry that imports it, so at run time this import finds the entry loaded already.
 */
import './index.js';
