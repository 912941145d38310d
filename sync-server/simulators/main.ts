import { parseArgs } from 'node:util';
import { simulatorChannelConfig, startSimulators } from './startSimulators.ts';

/**
 * `npm run simulators -- [--port 3211] [--switchboard-url http://127.0.0.1:3210] [--workspace demo] [--chaos] [--step-ms 1200]
 *   [--switchboard-smtp 127.0.0.1:2525] [--relay-port 2526]`
 *
 * The WhatsApp Cloud API and Twilio simulators as their own process. Prints the channel config
 * a Switchboard needs to use them (save it and pass `--channels <file>`).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3211' },
      host: { type: 'string', default: '127.0.0.1' },
      'switchboard-url': { type: 'string', default: 'http://127.0.0.1:3210' },
      workspace: { type: 'string', default: 'demo' },
      chaos: { type: 'boolean', default: false },
      'step-ms': { type: 'string', default: '1200' },
      'switchboard-smtp': { type: 'string', default: '127.0.0.1:2525' },
      'relay-port': { type: 'string', default: '2526' },
    },
  });
  const [smtpHost = '127.0.0.1', smtpPort = '2525'] = values['switchboard-smtp'].split(':');
  const sims = await startSimulators({
    switchboardUrl: values['switchboard-url'],
    port: Number(values.port),
    host: values.host,
    statusMode: 'auto',
    stepMs: Number(values['step-ms']),
    chaos: values.chaos,
    switchboardSmtp: { host: smtpHost, port: Number(smtpPort) },
    relayPort: Number(values['relay-port']),
  });
  const config = {
    publicBaseUrl: values['switchboard-url'],
    ...simulatorChannelConfig(values.workspace, sims.url, sims.email.relayPort),
    smtpListener: { host: '127.0.0.1', port: Number(smtpPort) },
  };
  process.stderr.write(
    [
      '',
      `  Provider simulators on ${sims.url}`,
      `  Webhooks go to ${values['switchboard-url']} (workspace "${values.workspace}")`,
      `  Mail relay on 127.0.0.1:${sims.email.relayPort}; customers' mail goes to ${values['switchboard-smtp']}; mail client ${sims.url}/_sim/mail/`,
      '',
      '  Channel config for Switchboard (--channels <file>):',
      '',
      JSON.stringify(config, null, 2),
      '',
      '  Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
  const stop = () => void sims.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
