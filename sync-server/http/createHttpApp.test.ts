import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { Directory } from '../auth/Directory.ts';
import { silentLogger } from '../ops/log.ts';
import { createMetrics } from '../ops/metrics.ts';
import { createHttpApp } from './createHttpApp.ts';

describe('HTTP app', () => {
  let server: Server;
  let base: string;
  let dist: string;
  const upgrades: string[] = [];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'switchboard-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Switchboard</title>');
    writeFileSync(join(dist, 'sw.js'), 'self.x = 1;');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.css'), 'body{}');
    mkdirSync(join(dist, 'demo'));
    writeFileSync(join(dist, 'demo', 'index.html'), '<!doctype html><title>Acme Store</title>');
    mkdirSync(join(dist, 'webchat'));
    writeFileSync(join(dist, 'webchat', 'widget.js'), '(()=>{})()');
    writeFileSync(join(dist, 'manifest.webmanifest'), '{}');

    const directory = new Directory(new Database(':memory:'));
    directory.createWorkspace('acme', 'Acme Support');
    await directory.createAgent({ workspaceId: 'acme', email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    const metrics = createMetrics({ defaultMetrics: false });
    const app = createHttpApp({
      directory,
      metrics,
      logger: silentLogger(),
      staticDir: dist,
      sync: { handleUpgrade: (req, socket) => (upgrades.push(`sync ${req.url}`), socket.destroy()) },
      webchat: {
        handleUpgrade: (req, socket) => (upgrades.push(`webchat ${req.url}`), socket.destroy()),
        createVisitor: () => ({ ok: false, error: 'not-found', message: 'No such workspace' }),
      },
    });
    server = createServer(app.handleRequest);
    server.on('upgrade', app.handleUpgrade);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dist, { recursive: true, force: true });
  });

  const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${base}${path}`, { method: 'POST', headers, body });

  describe('session API', () => {
    it('AUTH1: answers 401 without a token and with a bad one', async () => {
      for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
        const res = await fetch(`${base}/api/session`, { headers });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: 'unauthorized', message: 'Sign in again' });
      }
      expect((await fetch(`${base}/api/session`, { method: 'DELETE' })).status).toBe(401);
    });

    it('signs in, tells who is signed in, and signs out', async () => {
      const res = await post('/api/session', JSON.stringify({ email: 'dana@example.com', password: 'switchboard' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const session = (await res.json()) as SessionInfo;
      expect(session).toMatchObject({ agent: { name: 'Dana Reyes', email: 'dana@example.com', role: 'admin' }, workspace: { id: 'acme', name: 'Acme Support' } });
      const auth = { authorization: `Bearer ${session.token}` };
      const me = await fetch(`${base}/api/session`, { headers: auth });
      expect(await me.json()).toEqual(session);
      expect((await fetch(`${base}/api/session`, { method: 'DELETE', headers: auth })).status).toBe(204);
      expect((await fetch(`${base}/api/session`, { headers: auth })).status).toBe(401);
    });

    it('refuses wrong credentials with 401 invalid-credentials', async () => {
      const res = await post('/api/session', JSON.stringify({ email: 'dana@example.com', password: 'wrong-password' }));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid-credentials', message: 'Email or password is incorrect' });
    });

    it('answers 400 to malformed JSON and to a body of the wrong shape', async () => {
      const broken = await post('/api/session', '{"email": ');
      expect(broken.status).toBe(400);
      expect(await broken.json()).toEqual({ error: 'invalid-json', message: 'The body is not valid JSON' });
      const shape = await post('/api/session', JSON.stringify({ email: 42 }));
      expect(shape.status).toBe(400);
      expect((await shape.json()).error).toBe('invalid-request');
    });

    it('answers 413 to an oversized body without reading it all', async () => {
      const res = await post('/api/session', JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(200_000) }));
      expect(res.status).toBe(413);
      expect((await res.json()).error).toBe('payload-too-large');
    });

    it('answers 413 to an oversized chunked body too', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 20; i++) req.write('x'.repeat(8192));
        req.end();
      });
      expect(status).toBe(413);
    });

    it('answers 415 to a form post and 405 to an unknown method', async () => {
      expect((await post('/api/session', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
      const put = await fetch(`${base}/api/session`, { method: 'PUT' });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('POST, GET, DELETE');
      expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
    });
  });

  describe('operations', () => {
    it('reports health and Prometheus metrics, counting requests by route and status', async () => {
      const health = await fetch(`${base}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const text = await metrics.text();
      expect(text).toMatch(/switchboard_http_requests_total\{route="GET \/healthz",status="200"\} \d+/);
    });
  });

  describe('static files', () => {
    it('serves the app shell with no-cache and hashed assets as immutable, with content types', async () => {
      const index = await fetch(`${base}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const js = await fetch(`${base}/assets/index-Ab12Cd34.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`${base}/assets/index-Ab12Cd34.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect((await fetch(`${base}/sw.js`)).headers.get('cache-control')).toBe('no-cache');
      expect((await fetch(`${base}/manifest.webmanifest`)).headers.get('content-type')).toBe('application/manifest+json; charset=utf-8');
      const widget = await fetch(`${base}/webchat/widget.js`);
      expect(widget.headers.get('cache-control')).toBe('no-cache');
      expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    });

    it('answers a revalidation of an unchanged file with 304', async () => {
      const first = await fetch(`${base}/sw.js`);
      const etag = first.headers.get('etag') ?? '';
      const again = await fetch(`${base}/sw.js`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    });

    it('falls back to index.html for app routes, but not for missing files or server paths', async () => {
      const deep = await fetch(`${base}/conversations/abc123`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain('<title>Switchboard</title>');
      expect((await fetch(`${base}/assets/missing-12345678.js`)).status).toBe(404);
      expect((await fetch(`${base}/favicon-missing.png`)).status).toBe(404);
      expect((await fetch(`${base}/webchat/other`)).status).toBe(404);
      expect((await fetch(`${base}/demo/nothing`)).status).toBe(404);
    });

    it('serves the demo site at /demo/ (redirecting /demo)', async () => {
      const redirect = await fetch(`${base}/demo?x=1`, { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/demo/?x=1');
      const demo = await fetch(`${base}/demo/`);
      expect(await demo.text()).toContain('Acme Store');
    });

    it('never serves files outside the build directory or dot-files', async () => {
      expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd`)).status).toBe(400);
      expect((await fetch(`${base}/%2e%2e/package.json`)).status).toBe(404);
      expect((await fetch(`${base}/.env`)).status).toBe(404);
    });
  });

  describe('upgrades', () => {
    const tryUpgrade = (path: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`);
        ws.on('error', (err) => resolve(err.message));
        ws.on('close', () => resolve('closed'));
      });

    it('routes /sync, /sync/<doc> and /webchat/socket, and refuses other paths with 404', async () => {
      await tryUpgrade('/sync?token=t');
      await tryUpgrade('/sync/acme/index?token=t');
      await tryUpgrade('/webchat/socket?token=v');
      expect(upgrades).toEqual(['sync /sync?token=t', 'sync /sync/acme/index?token=t', 'webchat /webchat/socket?token=v']);
      expect(await tryUpgrade('/elsewhere')).toContain('404');
    });
  });
});
