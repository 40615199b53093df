/**
 * `npm run web`: builds the playground and serves it on localhost with the cross-origin isolation headers
 * (COOP/COEP), so the wasm backend runs on every core. `--no-isolation` serves without them (one thread, as on
 * a plain static host); `--port` picks the port (0: any free one).
 *
 *   npm run web -- --port 8080 [--no-isolation]
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSite, DEFAULT_OUT, ISOLATION_HEADERS } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.gz': 'application/octet-stream', '.png': 'image/png', '.json': 'application/json',
};

export interface ServeOptions {
  dir?: string;
  port?: number;
  isolation?: boolean;
}

/** Serves `dir` (already built) until closed; resolves once listening, with the URL. */
export async function serve(opts: ServeOptions = {}): Promise<{ server: Server; url: string }> {
  const dir = normalize(opts.dir ?? DEFAULT_OUT);
  const port = opts.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`web serve: port must be an integer 0-65535, got ${port}`);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(opts.isolation === false ? {} : ISOLATION_HEADERS) };
    if (!file.startsWith(dir + sep) && file !== dir) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, headers).end('not found'),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://127.0.0.1:${actual}/` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'no-isolation': { type: 'boolean', default: false } } });
  const port = Number(values.port);
  await buildSite();
  const { url } = await serve({ port, isolation: !values['no-isolation'] });
  console.log(`convkit playground: ${url} (${values['no-isolation'] ? 'without cross-origin isolation: one thread' : 'cross-origin isolated: wasm threads on'}); Ctrl-C stops`);
}
