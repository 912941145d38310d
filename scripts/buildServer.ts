/**
 * Builds the sync server for running with plain `node`: `dist-server/main.mjs` and the chunks it
 * loads, plus the document writer's worker (`dist-server/docWriter.worker.mjs`).
 *
 *   node --import tsx scripts/buildServer.ts        (part of `npm run build`)
 *   node dist-server/main.mjs --demo                (what `npm start` runs)
 *
 * Why a build and not `node --import tsx sync-server/main.ts` in production: V8 keeps the source
 * text of every loaded module on the heap for as long as the process lives, and every full
 * garbage collection marks that heap. Under tsx the server rests at ~16 MB of live heap (module
 * sources, tsx's own transformer and a source-map cache); this build rests at ~10 MB, close to the
 * reference y-websocket server's (docs/performance.md, session 14). It also starts without
 * compiling TypeScript.
 *
 * - One ESM bundle with code splitting: what the server imports lazily (the email parser, mailer
 *   and HTML sanitiser, the SMTP listener, the demo's provider simulators) stays in chunks that are
 *   loaded only when a workspace uses them.
 * - Whitespace and syntax minified, names kept: stack traces name the functions; for file and line
 *   numbers run `node --enable-source-maps dist-server/main.mjs` (the maps are beside the files
 *   and are not loaded otherwise).
 * - better-sqlite3 stays external: it is a native addon, loaded from node_modules.
 * - zod's core and zod/mini re-export its 40 message locales as a namespace that nothing tree-shakes; we
 *   configure English only (shared/zod.ts), so the build resolves that index to English alone.
 *
 * `npm run dev` and the tests run the TypeScript sources under tsx; the browser tests and the
 * bench run this build, as `npm start` does.
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
export const SERVER_OUT_DIR = join(root, 'dist-server');

/** `zod/v4/locales/index.js`, as imported by zod's core and zod/mini, resolved to English only. */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](core|mini)$/.test(args.resolveDir) ? { path: join(args.resolveDir, '..', 'locales', 'index.js'), namespace: 'zod-en' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};\n`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

export async function buildServer(): Promise<void> {
  rmSync(SERVER_OUT_DIR, { recursive: true, force: true });
  const started = performance.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'sync-server/main.ts', 'docWriter.worker': 'sync-server/storage/docWriter.worker.mjs' },
    outdir: SERVER_OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    external: ['better-sqlite3'],
    // CommonJS packages bundled into ESM still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __sbCreateRequire } from 'node:module'; const require = __sbCreateRequire(import.meta.url);" },
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
  process.stdout.write(`server built: dist-server/ (${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB) in ${Math.round(performance.now() - started)} ms\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
