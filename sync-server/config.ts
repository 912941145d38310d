import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** How the server is started: flags win over environment variables, which win over defaults. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  demo: boolean;
  /** Base URL printed and used in links (e.g. behind a proxy); defaults to http://<host>:<port>. */
  publicBaseUrl: string | null;
  logLevel: string;
  /** JSON file with the provider channels' accounts (docs/channels.md), or null. */
  channelsFile: string | null;
  /** With --demo: WhatsApp and SMS customers write in through the simulators on first seeding. */
  demoChannels: boolean;
  /** VAPID keys and subject for Web Push (env only; default: generated once, stored in the database). */
  vapid: { publicKey?: string; privateKey?: string; subject?: string } | null;
  /** Run the local push-service simulator: true, false, or null (default: with --demo). */
  pushSimulator: boolean | null;
  /** How long a document stays in memory after its last client left, ms (null: the default, 30 s). */
  docIdleMs: number | null;
}

export const DEFAULT_PORT = 3210;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DATA_DIR = './.data';

export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; message: string } | { ok: 'help' };

export const USAGE = `Usage: node dist-server/main.mjs [options]     (from the sources: node --import tsx sync-server/main.ts)

Options:
  --port <n>           HTTP port (env PORT, default ${DEFAULT_PORT}; 0 picks a free port)
  --host <addr>        address to listen on (env HOST, default ${DEFAULT_HOST})
  --data-dir <path>    where the database lives (env SWITCHBOARD_DATA_DIR, default ${DEFAULT_DATA_DIR})
  --demo               seed the demo workspace (once) and print its sign-in details
  --public-url <url>   base URL to print and link to (env SWITCHBOARD_PUBLIC_URL)
  --demo-channels      with --demo: seed WhatsApp and SMS conversations through the simulators
  --channels <file>    provider channel accounts, JSON (env SWITCHBOARD_CHANNELS; docs/channels.md)
  --push-simulator     run the local push-service simulator (env SWITCHBOARD_PUSH_SIMULATOR=1; default with --demo)
  --no-push-simulator  never run it, even with --demo (env SWITCHBOARD_PUSH_SIMULATOR=0)
  --log-level <level>  pino level: fatal, error, warn, info, debug (env LOG_LEVEL, default info)
  --doc-idle-ms <n>    keep a document in memory this long after its last client left, then
                       compact and unload it (env SWITCHBOARD_DOC_IDLE_MS, default 30000)
  -h, --help           show this help
`;

/** The data directory from a flag value, the environment or the default, as an absolute path. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.SWITCHBOARD_DATA_DIR ?? DEFAULT_DATA_DIR);
}

function parsePort(value: string): number | null {
  if (!/^\d{1,5}$/.test(value)) return null;
  const port = Number(value);
  return port <= 65535 ? port : null;
}

/** Reads the server's configuration from command-line arguments and the environment. */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean' },
        'public-url': { type: 'string' },
        'log-level': { type: 'string' },
        channels: { type: 'string' },
        'demo-channels': { type: 'boolean' },
        'push-simulator': { type: 'boolean' },
        'no-push-simulator': { type: 'boolean' },
        'doc-idle-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  if (values.help) return { ok: 'help' };
  const portText = (values.port as string | undefined) ?? env.PORT ?? String(DEFAULT_PORT);
  const port = parsePort(portText);
  if (port === null) return { ok: false, message: `Not a port number: ${portText}` };
  const publicBaseUrl = (values['public-url'] as string | undefined) ?? env.SWITCHBOARD_PUBLIC_URL ?? null;
  if (publicBaseUrl !== null && !/^https?:\/\/[^\s/]+/.test(publicBaseUrl)) return { ok: false, message: `Not an http(s) URL: ${publicBaseUrl}` };
  const docIdleText = (values['doc-idle-ms'] as string | undefined) ?? env.SWITCHBOARD_DOC_IDLE_MS;
  const docIdleMs = docIdleText === undefined ? null : /^\d{1,9}$/.test(docIdleText) ? Number(docIdleText) : Number.NaN;
  if (Number.isNaN(docIdleMs)) return { ok: false, message: `Not a number of milliseconds: ${docIdleText}` };
  return {
    ok: true,
    config: {
      port,
      host: (values.host as string | undefined) ?? env.HOST ?? DEFAULT_HOST,
      dataDir: resolveDataDir(values['data-dir'] as string | undefined, env),
      demo: values.demo === true,
      publicBaseUrl: publicBaseUrl?.replace(/\/+$/, '') ?? null,
      logLevel: (values['log-level'] as string | undefined) ?? env.LOG_LEVEL ?? 'info',
      demoChannels: values['demo-channels'] === true || env.SWITCHBOARD_DEMO_CHANNELS === '1',
      vapid:
        env.SWITCHBOARD_VAPID_PUBLIC_KEY || env.SWITCHBOARD_VAPID_PRIVATE_KEY || env.SWITCHBOARD_VAPID_SUBJECT
          ? {
              ...(env.SWITCHBOARD_VAPID_PUBLIC_KEY ? { publicKey: env.SWITCHBOARD_VAPID_PUBLIC_KEY } : {}),
              ...(env.SWITCHBOARD_VAPID_PRIVATE_KEY ? { privateKey: env.SWITCHBOARD_VAPID_PRIVATE_KEY } : {}),
              ...(env.SWITCHBOARD_VAPID_SUBJECT ? { subject: env.SWITCHBOARD_VAPID_SUBJECT } : {}),
            }
          : null,
      pushSimulator:
        values['no-push-simulator'] === true
          ? false
          : values['push-simulator'] === true
            ? true
            : env.SWITCHBOARD_PUSH_SIMULATOR === '1'
              ? true
              : env.SWITCHBOARD_PUSH_SIMULATOR === '0'
                ? false
                : null,
      channelsFile: ((values.channels as string | undefined) ?? env.SWITCHBOARD_CHANNELS) ? resolve((values.channels as string | undefined) ?? env.SWITCHBOARD_CHANNELS ?? '') : null,
      docIdleMs,
    },
  };
}
