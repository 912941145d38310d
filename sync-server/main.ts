import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { USAGE, resolveConfig } from './config.ts';
import { loadChannelConfig } from './channels/channelConfig.ts';
import { type SwitchboardServer, createServer } from './createServer.ts';
import { createLogger } from './ops/log.ts';

/**
 * `node dist-server/main.mjs [--port 3210] [--data-dir ./.data] [--host 0.0.0.0] [--demo]`, the build
 * of scripts/buildServer.ts (`npm run build`); `node --import tsx sync-server/main.ts` runs the sources.
 *
 * Prints a readable banner to stderr (URLs, data directory, demo sign-in) and JSON log lines to
 * stdout, starting with `server_started`. SIGTERM / SIGINT shut down gracefully; a second signal
 * exits at once.
 */
function banner(server: SwitchboardServer, appBuilt: boolean): string {
  const lines = ['', '  Switchboard is running', ''];
  lines.push(`  App            ${server.url}/`);
  if (server.demo) lines.push(`  Demo website   ${server.url}/demo/   (a shop page with the webchat widget)`);
  lines.push(`  Data           ${server.dataDir}`);
  if (server.simulators) lines.push(`  Simulators     ${server.simulators.url}   (WhatsApp Cloud API, Twilio and a mail relay, in-process; docs/channels.md)`);
  if (server.simulators) lines.push(`  Customer phone ${server.simulators.url}/_sim/   (play a WhatsApp or SMS customer; also ${server.url}/demo/phone/)`);
  if (server.push.simulator) lines.push(`  Push service   ${server.push.simulator.url}/push/   (local Web Push simulator: decrypted pushes; also ${server.url}/demo/push/)`);
  if (server.simulators) lines.push(`  Mail client    ${server.simulators.url}/_sim/mail/   (play an email customer; also ${server.url}/demo/mail/)`);
  if (server.channels.email.smtpPort) lines.push(`  SMTP inbound   port ${server.channels.email.smtpPort}${server.simulators ? `   (simulated relay for replies: port ${server.simulators.email.relayPort})` : ''}`);
  lines.push(`  Health         ${server.url}/healthz   Metrics ${server.url}/metrics`);
  if (server.demo) {
    lines.push('', `  Demo workspace "${server.demo.workspaceName}"${server.demo.seeded ? ' (just created)' : ''}; password for everyone: ${server.demo.password}`);
    const width = Math.max(...server.demo.agents.map((a) => a.email.length));
    for (const a of server.demo.agents) lines.push(`    ${a.email.padEnd(width)}   ${a.name.padEnd(11)} ${a.role}`);
  }
  if (!appBuilt) lines.push('', '  Note: the app is not built yet (no dist/index.html): run `npm run build`, or use `npm start`.');
  lines.push('', '  Stop with Ctrl+C.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const parsed = resolveConfig(process.argv.slice(2));
  if (parsed.ok === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const logger = createLogger({ level: config.logLevel });
  const channels = config.channelsFile ? loadChannelConfig(config.channelsFile) : null;
  if (channels && !channels.ok) {
    process.stderr.write(`error: ${channels.message}\n`);
    process.exitCode = 2;
    return;
  }
  let server: SwitchboardServer;
  try {
    server = await createServer({
      dataDir: config.dataDir,
      port: config.port,
      host: config.host,
      logger,
      demo: config.demo,
      publicBaseUrl: config.publicBaseUrl,
      ...(channels?.ok ? { channels: channels.config } : {}),
      demoChannels: config.demoChannels,
      push: { vapid: config.vapid, ...(config.pushSimulator !== null ? { simulator: config.pushSimulator } : {}) },
      ...(config.docIdleMs !== null ? { docIdleMs: config.docIdleMs } : {}),
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${config.port} is already in use: stop the other process or pass --port <n>`
        : code === 'EACCES'
          ? `not allowed to listen on ${config.host}:${config.port}`
          : err instanceof Error
            ? err.message
            : String(err);
    logger.fatal({ event: 'server_start_failed', reason: message });
    process.stderr.write(`\n  Switchboard could not start: ${message}\n\n`);
    process.exitCode = 1;
    return;
  }

  const appBuilt = existsSync(join(resolve(import.meta.dirname, '..', 'dist'), 'index.html'));
  process.stderr.write(banner(server, appBuilt));
  logger.info({
    event: 'server_started',
    url: server.url,
    port: server.port,
    host: server.host,
    dataDir: server.dataDir,
    demo: server.demo !== null,
    pid: process.pid,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ event: 'forced_exit', signal });
      process.exit(1);
    }
    stopping = true;
    logger.info({ event: 'signal', signal });
    process.stderr.write('\n  Stopping Switchboard…\n');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ event: 'shutdown_failed', reason: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
