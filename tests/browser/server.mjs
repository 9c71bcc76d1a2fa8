// server.mjs: the tiny static server the browser tests (and anyone trying the demo) use.
//
//   node tests/browser/server.mjs [--port 8080] [--isolated]    serves the repo root
//
// Listens on 127.0.0.1 only. Serves files with the MIME types a browser insists on
// (application/wasm for WebAssembly.compileStreaming, text/javascript for module scripts and
// workers), nothing else: no directory listings, no index guessing beyond index.html, no path
// outside its mounts. Options a test turns on per server:
//   cors      Access-Control-Allow-Origin: * on every answer (a CDN serving another origin)
//   isolated  COOP same-origin + COEP require-corp (crossOriginIsolated: SharedArrayBuffer)
//   headers   more headers on every answer
// Every request is recorded in `server.log` ({ method, path, status, type }).

import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { resolve, sep, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.pdf': 'application/pdf',
  '.ts': 'text/plain; charset=utf-8',
};

/** Start a server. `mounts` maps a URL prefix ('/', '/cdn/pith@0.1.0/') to a directory; the
 *  longest matching prefix wins. Resolves to { origin, url(path), log, close() }. */
export function serve({ mounts, cors = false, isolated = false, headers = {}, port = 0 } = {}) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const extra = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers };
  if (cors) extra['Access-Control-Allow-Origin'] = '*';
  if (isolated) {
    extra['Cross-Origin-Opener-Policy'] = 'same-origin';
    extra['Cross-Origin-Embedder-Policy'] = 'require-corp';
    extra['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  const log = [];

  const server = createServer((req, res) => {
    const entry = { method: req.method, path: req.url, status: 0, type: '' };
    log.push(entry);
    const answer = (status, type, body) => {
      entry.status = status;
      entry.type = type;
      res.writeHead(status, { 'Content-Type': type, ...extra });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'text/plain', 'method not allowed\n');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return answer(400, 'text/plain', 'bad path\n');
    }
    const mount = table.find(([prefix]) => path.startsWith(prefix) || `${path}/` === prefix);
    if (!mount) return answer(404, 'text/plain', 'not found\n');
    const [prefix, dir] = mount;
    let file = resolve(dir, `.${sep}${path.slice(prefix.length)}`);
    if (file !== dir && !file.startsWith(dir + sep)) return answer(403, 'text/plain', 'outside the mount\n');
    let st;
    try {
      st = statSync(file);
      if (st.isDirectory()) {
        file = resolve(file, 'index.html');
        st = statSync(file);
      }
    } catch {
      return answer(404, 'text/plain', 'not found\n');
    }
    if (!st.isFile()) return answer(404, 'text/plain', 'not found\n');
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    entry.status = 200;
    entry.type = type;
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, ...extra });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      ok({
        origin,
        url: (p) => origin + p,
        log,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

// Run by hand: serve the repo root (the demo is then at /examples/demo/).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 8080;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const s = await serve({ mounts: { '/': root }, isolated: args.includes('--isolated'), port });
  console.log(`serving ${root} at ${s.origin}/ (demo: ${s.origin}/examples/demo/)`);
}
