import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';

describe('server configuration', () => {
  it('uses the documented defaults', () => {
    expect(resolveConfig([], {})).toEqual({
      ok: true,
      config: { port: 3210, host: '0.0.0.0', dataDir: resolve('./.data'), demo: false, publicBaseUrl: null, logLevel: 'info', channelsFile: null, demoChannels: false, vapid: null, pushSimulator: null, docIdleMs: null },
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '4000', HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: '/tmp/env-data', SWITCHBOARD_PUBLIC_URL: 'https://support.example.com/' };
    expect(resolveConfig([], env)).toMatchObject({ ok: true, config: { port: 4000, host: '127.0.0.1', dataDir: '/tmp/env-data', publicBaseUrl: 'https://support.example.com' } });
    expect(resolveConfig(['--port', '0', '--data-dir', '/tmp/flag-data', '--demo'], env)).toMatchObject({
      ok: true,
      config: { port: 0, dataDir: '/tmp/flag-data', demo: true },
    });
  });

  it('reads how long an idle document stays in memory, from a flag or the environment', () => {
    expect(resolveConfig([], { SWITCHBOARD_DOC_IDLE_MS: '5000' })).toMatchObject({ ok: true, config: { docIdleMs: 5000 } });
    expect(resolveConfig(['--doc-idle-ms', '0'], { SWITCHBOARD_DOC_IDLE_MS: '5000' })).toMatchObject({ ok: true, config: { docIdleMs: 0 } });
    expect(resolveConfig(['--doc-idle-ms', '2s'], {})).toEqual({ ok: false, message: 'Not a number of milliseconds: 2s' });
  });

  it('refuses a bad port, an unknown flag and a bad URL with a message', () => {
    expect(resolveConfig(['--port', 'abc'], {})).toEqual({ ok: false, message: 'Not a port number: abc' });
    expect(resolveConfig(['--port', '70000'], {})).toMatchObject({ ok: false });
    expect(resolveConfig(['--frobnicate'], {})).toMatchObject({ ok: false });
    expect(resolveConfig(['--public-url', 'support.example.com'], {})).toMatchObject({ ok: false });
    expect(resolveConfig(['--help'], {})).toEqual({ ok: 'help' });
  });
});
