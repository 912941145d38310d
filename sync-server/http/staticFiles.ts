import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

export const contentTypeOf = (path: string) => CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

/** Files that must be revalidated on every load so a new version is picked up at once. */
const ALWAYS_REVALIDATE = new Set(['/sw.js', '/registerSW.js', '/manifest.webmanifest', '/webchat/widget.js']);
const LONG_LIVED = new Set(['.png', '.svg', '.ico', '.jpg', '.jpeg', '.webp', '.avif', '.gif', '.woff', '.woff2']);

/**
 * Cache policy: Vite's content-hashed files under /assets/ never change (immutable, one year);
 * HTML, the service worker, the manifest and the widget script are revalidated every time
 * (no-cache + ETag, so an unchanged file costs a 304); images and fonts a day.
 */
export function cacheControlFor(urlPath: string): string {
  if (urlPath.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  const ext = extname(urlPath).toLowerCase();
  if (ext === '.html' || ALWAYS_REVALIDATE.has(urlPath)) return 'no-cache';
  if (LONG_LIVED.has(ext)) return 'public, max-age=86400';
  return 'no-cache';
}

/** Paths the SPA fallback never answers: they belong to the server or to other apps. */
const NOT_THE_APP = /^\/(api|sync|webchat|demo|assets|healthz|metrics)(\/|$)/;

export type StaticResult = 'served' | 'not-found' | 'bad-path';

export interface StaticFiles {
  /** Serves a GET/HEAD from the root, falling back to index.html for app routes. */
  serve(req: IncomingMessage, res: ServerResponse, urlPath: string, search: string): Promise<StaticResult>;
  /** Whether the root has an index.html (the PWA was built). */
  available(): Promise<boolean>;
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** Static files of `root` (the PWA build, `dist/`) with content types, cache headers and ETags. */
export function createStaticFiles(rootDir: string): StaticFiles {
  const root = resolve(rootDir);

  const send = (req: IncomingMessage, res: ServerResponse, file: string, st: Stats, urlPath: string) => {
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      'content-type': contentTypeOf(file),
      'cache-control': cacheControlFor(urlPath),
      etag,
      'last-modified': st.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    };
    // The widget script is loaded by other sites (a plain <script> needs no CORS, but a page
    // with Cross-Origin-Embedder-Policy needs this to load it).
    if (urlPath.startsWith('/webchat/')) headers['cross-origin-resource-policy'] = 'cross-origin';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    headers['content-length'] = st.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  return {
    async available() {
      return (await statOrNull(join(root, 'index.html')))?.isFile() ?? false;
    },

    async serve(req, res, urlPath, search) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(urlPath);
      } catch {
        return 'bad-path';
      }
      if (decoded.includes('\0') || decoded.includes('\\')) return 'bad-path';
      const file = resolve(root, `.${decoded}`);
      if (file !== root && !file.startsWith(root + sep)) return 'bad-path';
      // Dot-files (.env, .git) are never served.
      if (decoded.split('/').some((part) => part.startsWith('.') && part.length > 0)) return 'not-found';

      const st = await statOrNull(file);
      if (st?.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          res.writeHead(301, { location: `${urlPath}/${search}` });
          res.end();
          return 'served';
        }
        const index = join(file, 'index.html');
        const indexStat = await statOrNull(index);
        if (indexStat?.isFile()) {
          send(req, res, index, indexStat, `${urlPath}index.html`);
          return 'served';
        }
      } else if (st?.isFile()) {
        send(req, res, file, st, decoded);
        return 'served';
      }

      // SPA fallback: an app route (no file extension, not a server path) gets index.html.
      const last = decoded.split('/').pop() ?? '';
      if (!NOT_THE_APP.test(decoded) && !last.includes('.')) {
        const index = join(root, 'index.html');
        const indexStat = await statOrNull(index);
        if (indexStat?.isFile()) {
          send(req, res, index, indexStat, '/index.html');
          return 'served';
        }
      }
      return 'not-found';
    },
  };
}
