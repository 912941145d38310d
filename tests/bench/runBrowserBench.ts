import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, type Page, chromium } from '@playwright/test';
import { percentile } from './percentile.ts';
import { SourceMap } from './sourceMap.ts';
import { type FrameResolver, summarizeProfile } from './summarizeProfile.ts';
import { summarizeTrace } from './summarizeTrace.ts';
import { BENCH_AGENT, BENCH_WORKSPACE, ourServerMissing, seedBenchWorkspace, startOurServer } from './startOurServer.ts';

const run = promisify(execFile);

export type BrowserResult =
  | { skipped: string; conversations?: number }
  | {
      conversations: number;
      threadMessages: number;
      /** Median of the cold starts: navigation start → first list row painted. */
      coldStartMs: number;
      coldStartsMs: number[];
      /** Click → last bubble of the thread painted, conversation cached locally. */
      openThreadMs: number;
      /** Same, the first time (conversation not yet on the device, unless prefetched). */
      openThreadFirstMs: number;
      details: { metric: string; value: string }[];
    };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const THREAD_MESSAGES = Number(process.env.BENCH_THREAD_MESSAGES ?? 5_000);
/** BENCH_COLD_STARTS=n: cold starts measured (default 5 since session 17, 3 before: on this VM one of three was often 100 ms off the others); the median is reported. */
const COLD_STARTS = Math.max(1, Number(process.env.BENCH_COLD_STARTS ?? 5));

/** Newest modification time under a directory (ms), ignoring node_modules. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * In every page of the context: timestamps (performance.now(), i.e. ms since navigation start)
 * of the first conversation row in the DOM and its first frame, the first click, and the
 * thread's last bubble in the DOM and its first frame. Rows are found as links whose accessible
 * name starts with the contact's name; the thread as the `role="log"` element. Plain JavaScript
 * in a string: a compiled function could reference the bundler's helpers, absent in the page.
 */
const PROBE = `(cfg) => {
  const marks = { firstRow: null, firstRowPaint: null, clickAt: null, thread: null, threadPaint: null, longTasks: [], phases: null };
  window.__bench = marks;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) marks.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const phases = () => {
    const nav = performance.getEntriesByType('navigation')[0];
    const scripts = performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script' || /\\.js$/.test(r.name));
    return {
      html: nav ? Math.round(nav.responseEnd) : null,
      scripts: scripts.length ? Math.round(Math.max(...scripts.map((r) => r.responseEnd))) : null,
      domContentLoaded: nav ? Math.round(nav.domContentLoadedEventEnd) || null : null,
      marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('sb:')).map((m) => m.name.slice(3) + ' ' + Math.round(m.startTime)).join(', '),
    };
  };
  const rowSelector = 'a[aria-label^=' + JSON.stringify(cfg.contactName) + ']';
  const check = () => {
    if (marks.firstRow === null && document.querySelector(rowSelector)) {
      marks.firstRow = performance.now();
      marks.phases = phases();
      requestAnimationFrame(() => { marks.firstRowPaint = performance.now(); });
    }
    if (marks.clickAt !== null && marks.thread === null) {
      const last = document.querySelector('[role="log"] ol > li:last-child');
      if (last && last.textContent && last.textContent.includes(cfg.lastText)) {
        marks.thread = performance.now();
        requestAnimationFrame(() => { marks.threadPaint = performance.now(); });
      }
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  document.addEventListener('click', () => {
    if (marks.clickAt === null) marks.clickAt = performance.now();
    check();
  }, true);
}`;

const probeScript = (cfg: { contactName: string; lastText: string }) => `(${PROBE})(${JSON.stringify(cfg)});`;

interface Marks {
  firstRow: number | null;
  firstRowPaint: number | null;
  clickAt: number | null;
  thread: number | null;
  threadPaint: number | null;
  /** [start, duration] of every long task (> 50 ms) of the page. */
  longTasks: [number, number][];
  /** When the first row appeared: HTML received, last script received, DOMContentLoaded (ms), the app's sb: marks so far. */
  phases: { html: number | null; scripts: number | null; domContentLoaded: number | null; marks: string } | null;
}

const marks = (page: Page) => page.evaluate(() => (window as unknown as { __bench: Marks }).__bench);

async function waitForMark(page: Page, key: keyof Marks, timeoutMs: number): Promise<Marks> {
  await page.waitForFunction((k) => (window as unknown as { __bench?: Record<string, number | null> }).__bench?.[k] != null, key, {
    timeout: timeoutMs,
    polling: 50,
  });
  return marks(page);
}

/** Total bytes stored locally for a document, across every Switchboard database of the origin. */
function storedBytes(page: Page, docName: string): Promise<number> {
  return page.evaluate(async (doc) => {
    const dbs = (await indexedDB.databases()).filter((d) => d.name?.startsWith('switchboard'));
    let total = 0;
    for (const info of dbs) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name as string);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      if (db.objectStoreNames.contains('updates')) {
        const rows = await new Promise<{ data: Uint8Array }[]>((resolve, reject) => {
          const req = db.transaction('updates', 'readonly').objectStore('updates').index('doc').getAll(IDBKeyRange.only(doc));
          req.onsuccess = () => resolve(req.result as { data: Uint8Array }[]);
          req.onerror = () => reject(req.error);
        });
        for (const r of rows) total += r.data.byteLength;
      }
      db.close();
    }
    return total;
  }, docName);
}

/** Waits until a document's stored size is non-zero and has not changed for three polls. */
async function waitStored(page: Page, docName: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stable = 0;
  for (;;) {
    const bytes = await storedBytes(page, docName);
    stable = bytes > 0 && bytes === last ? stable + 1 : 0;
    last = bytes;
    if (stable >= 3) return bytes;
    if (Date.now() > deadline) throw new Error(`${docName} not stored locally after ${timeoutMs} ms (${bytes} bytes)`);
    await page.waitForTimeout(250);
  }
}

const maps = new Map<string, SourceMap | null>();
let distDir = '';

/** Maps a frame of the built app (`/assets/*.js`) to its source file and line via dist's source maps. */
const resolveFrame: FrameResolver = (url, line, column) => {
  const m = /\/assets\/[^/?#]+\.js/.exec(url);
  if (!m || !distDir) return null;
  let map = maps.get(m[0]);
  if (map === undefined) {
    map = SourceMap.forFile(join(distDir, m[0]));
    maps.set(m[0], map);
  }
  return map?.lookup(line, column) ?? null;
};

interface ColdStart {
  page: Page;
  ms: number;
  domMs: number;
  controlled: boolean;
  /** Where the time went, for the report. */
  breakdown: string;
  profile: string | null;
}

/** How to look into a cold start or an open: a CPU profile (JavaScript frames) or a Chromium trace (compile, parse, layout too). */
export type PageProfile = 'cpu' | 'trace';

const TRACE_CATEGORIES = ['devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.compile', 'blink', 'loading', 'toplevel', 'blink.user_timing'];

/**
 * Starts profiling the page; the function returned stops and summarises it up to `untilMs`
 * (ms after the start, for a trace).
 */
async function profilePage(page: Page, kind: PageProfile): Promise<(untilMs: number) => Promise<string>> {
  if (kind === 'trace') {
    // Through CDP: Playwright's browser.startTracing needs a Browser, a persistent context has none.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES.join(','), transferMode: 'ReturnAsStream' });
    return async (untilMs) => {
      const complete = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream ?? '')));
      await cdp.send('Tracing.end');
      const stream = await complete;
      let json = '';
      for (;;) {
        const chunk = await cdp.send('IO.read', { handle: stream });
        json += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
        if (chunk.eof) break;
      }
      await cdp.send('IO.close', { handle: stream });
      await cdp.detach();
      if (process.env.BENCH_TRACE_FILE) writeFileSync(`${process.env.BENCH_TRACE_FILE}-${Date.now()}.json`, json);
      return summarizeTrace(json, untilMs);
    };
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.detach();
    if (process.env.BENCH_TRACE_FILE) writeFileSync(`${process.env.BENCH_TRACE_FILE}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
    return summarizeProfile(profile as unknown as Parameters<typeof summarizeProfile>[0], 25, resolveFrame);
  };
}

/**
 * Opens the app in a fresh page and waits for the first conversation row to be painted.
 * With `profile`, profiles the page until then and summarises it.
 */
async function coldStart(context: BrowserContext, contactName: string, profile: PageProfile | null = null): Promise<ColdStart> {
  const page = await context.newPage();
  const stopProfile = profile ? await profilePage(page, profile) : null;
  await page.goto('/', { waitUntil: 'commit' });
  const m = await waitForMark(page, 'firstRowPaint', 30_000);
  const summary = stopProfile ? await stopProfile(m.firstRowPaint as number) : null;
  await page.getByRole('link', { name: new RegExp(`^${contactName}`) }).first().waitFor({ state: 'visible', timeout: 10_000 });
  const controlled = await page.evaluate(() => navigator.serviceWorker?.controller != null);
  const before = m.longTasks.filter(([start]) => start < (m.firstRow as number));
  const p = m.phases;
  const breakdown = [
    `html ${p?.html ?? '?'}`,
    `scripts ${p?.scripts ?? '?'}`,
    `DOMContentLoaded ${p?.domContentLoaded ?? 'later'}`,
    ...(p?.marks ? [p.marks] : []),
    `row ${Math.round(m.firstRow as number)}`,
    `long tasks ${before.map(([, d]) => d).join('+') || 'none'} ms`,
  ].join(', ');
  return { page, ms: m.firstRowPaint as number, domMs: m.firstRow as number, controlled, breakdown, profile: summary };
}

/**
 * Waits until the page has had no long task (> 50 ms) for `quietMs`: a user clicks once the app
 * has settled, and the click should not queue behind start-up work (index sync, background sync).
 */
async function waitQuiet(page: Page, quietMs = 500, timeoutMs = 10_000): Promise<void> {
  await page
    .waitForFunction(
      (quiet) => {
        const tasks = (window as unknown as { __bench?: { longTasks: [number, number][] } }).__bench?.longTasks ?? [];
        const lastEnd = tasks.reduce((end, [start, duration]) => Math.max(end, start + duration), 0);
        return performance.now() - lastEnd > quiet;
      },
      quietMs,
      { timeout: timeoutMs, polling: 100 },
    )
    .catch(() => undefined);
}

/**
 * Clicks the big conversation's row and waits until its last bubble is painted. With `profile`,
 * profiles the page from the click to the paint and returns its summary.
 */
async function openThread(page: Page, contactName: string, timeoutMs: number, profile: PageProfile | null = null): Promise<{ ms: number; profile: string | null }> {
  const stopProfile = profile ? await profilePage(page, profile) : null;
  const before = await page.evaluate(() => performance.now());
  await page.getByRole('link', { name: new RegExp(`^${contactName}`) }).first().click();
  const m = await waitForMark(page, 'threadPaint', timeoutMs);
  const summary = stopProfile ? await stopProfile((m.threadPaint as number) - before) : null;
  return { ms: (m.threadPaint as number) - (m.clickAt as number), profile: summary };
}

/**
 * PWA cold start with CONVERSATIONS conversations cached locally, and opening a conversation of
 * THREAD_MESSAGES messages, in Debian's Chromium against our server (fresh data directory).
 */
export async function runBrowserBench(root: string, tmp: string, log: (msg: string) => void, profile: PageProfile | null = null): Promise<BrowserResult> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const missing = ourServerMissing(root);
  if (missing) return { skipped: `our server is ${missing}` };
  if (!existsSync(join(root, 'client/main.tsx'))) return { skipped: 'the client app does not exist yet' };

  const details: { metric: string; value: string }[] = [];
  distDir = join(root, 'dist');
  const indexHtml = join(root, 'dist/index.html');
  if (!existsSync(indexHtml) || statSync(indexHtml).mtimeMs < newestMtime(join(root, 'client'))) {
    log('browser: dist/ missing or older than client/: building (vite build)');
    const t = performance.now();
    try {
      await run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root });
    } catch (err) {
      return { skipped: `vite build failed: ${String((err as { stderr?: string }).stderr ?? err).split('\n').slice(0, 3).join(' ')}` };
    }
    details.push({ metric: 'vite build (s)', value: ((performance.now() - t) / 1000).toFixed(1) });
  }

  const dataDir = mkdtempSync(join(tmp, 'browser-data-'));
  let seed: { bigId: string; bigContactName: string; lastText: string; conversations: number; ms: number };
  try {
    await seedBenchWorkspace(root, dataDir);
    log(`browser: seeding ${CONVERSATIONS} conversations, one of ${THREAD_MESSAGES} messages`);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'tests/bench/seedBrowserData.ts', dataDir, BENCH_WORKSPACE, BENCH_AGENT.email, String(CONVERSATIONS), String(THREAD_MESSAGES)],
      { cwd: root, maxBuffer: 1 << 20 },
    );
    seed = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  } catch (err) {
    return { skipped: `seeding failed: ${String((err as { stderr?: string }).stderr || err).split('\n').slice(0, 4).join(' ')}` };
  }
  details.push({ metric: 'seed data (s)', value: (seed.ms / 1000).toFixed(1) });

  const server = await startOurServer(root, tmp, { dataDir, seeded: true });
  let context: BrowserContext | null = null;
  try {
    // A persistent profile, as an installed PWA has: IndexedDB and the service worker's cache on
    // disk (an incognito context keeps them in memory, which is faster than what users get).
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmp, 'chromium-profile-')), {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 800 },
    });
    await context.addInitScript({ content: probeScript({ contactName: seed.bigContactName, lastText: seed.lastText }) });

    // First visit: sign in, let the index sync and reach IndexedDB, let the service worker install.
    const t0 = performance.now();
    const first = await context.newPage();
    await first.goto('/');
    await first.getByLabel('Email').fill(BENCH_AGENT.email);
    await first.getByLabel('Password').fill(BENCH_AGENT.password);
    await first.getByRole('button', { name: 'Sign in' }).click();
    await first.getByRole('link', { name: new RegExp(`^${seed.bigContactName}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const indexBytes = await waitStored(first, `${BENCH_WORKSPACE}/index`, 60_000);
    details.push({ metric: 'first sign-in → index stored locally (ms)', value: (performance.now() - t0).toFixed(0) });
    details.push({ metric: 'index stored locally (KiB)', value: (indexBytes / 1024).toFixed(0) });
    await first.evaluate(async () => {
      if ('serviceWorker' in navigator) await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 5000))]);
    });
    await first.close({ runBeforeUnload: true });

    // Cold starts: a new page each time (HTTP/SW caches and IndexedDB warm, no JS state).
    const colds: number[] = [];
    let page: Page | null = null;
    let controlled = false;
    for (let i = 0; i < COLD_STARTS; i++) {
      await page?.close({ runBeforeUnload: true });
      const r = await coldStart(context, seed.bigContactName, i === COLD_STARTS - 1 ? profile : null);
      page = r.page;
      colds.push(r.ms);
      controlled = r.controlled;
      details.push({ metric: `cold start ${i + 1}: row in DOM / painted (ms)`, value: `${r.domMs.toFixed(0)} / ${r.ms.toFixed(0)}` });
      details.push({ metric: `cold start ${i + 1}: timeline (ms)`, value: r.breakdown });
      if (r.profile) log(`browser: ${profile === 'trace' ? 'trace' : 'CPU profile'} of cold start ${i + 1}:\n${r.profile}`);
    }
    details.push({ metric: 'page controlled by the service worker', value: controlled ? 'yes' : 'no' });
    if (!page) throw new Error('no page');

    // First open of the big conversation (from the server, unless the client prefetched it).
    await waitQuiet(page);
    const threadDoc = `${BENCH_WORKSPACE}/conv/${seed.bigId}`;
    const prefetched = await storedBytes(page, threadDoc);
    const openFirst = (await openThread(page, seed.bigContactName, 60_000)).ms;
    details.push({ metric: 'open it the first time (ms)', value: openFirst.toFixed(0) });
    details.push({ metric: 'on the device before (KiB)', value: (prefetched / 1024).toFixed(0) });
    const threadBytes = await waitStored(page, threadDoc, 60_000);
    details.push({ metric: 'conversation stored locally (KiB)', value: (threadBytes / 1024).toFixed(0) });

    // Opening it again, cached: a fresh page, list painted, then click.
    const opens: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.close({ runBeforeUnload: true });
      const r = await coldStart(context, seed.bigContactName);
      page = r.page;
      await waitQuiet(page);
      const opened = await openThread(page, seed.bigContactName, 30_000, i === 2 ? profile : null);
      opens.push(opened.ms);
      if (opened.profile) log(`browser: ${profile === 'trace' ? 'trace' : 'CPU profile'} of opening the cached conversation (click → last bubble painted):\n${opened.profile}`);
    }
    await page.close({ runBeforeUnload: true });
    details.push({ metric: 'open cached conversation, each (ms)', value: opens.map((v) => v.toFixed(0)).join(', ') });

    const sorted = (xs: number[]) => Float64Array.from(xs).sort();
    return {
      conversations: seed.conversations,
      threadMessages: THREAD_MESSAGES,
      coldStartMs: percentile(sorted(colds), 0.5),
      coldStartsMs: colds,
      openThreadMs: percentile(sorted(opens), 0.5),
      openThreadFirstMs: openFirst,
      details,
    };
  } catch (err) {
    log(`browser: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    log(`our server log tail:\n${server.logTail()}`);
    return { skipped: `failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`, conversations: CONVERSATIONS };
  } finally {
    await context?.close();
    await server.stop();
  }
}
