import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isRole } from '../../shared/schema/roles.ts';
import { Directory, type DirectoryResult } from '../auth/Directory.ts';
import { generatePassword } from '../auth/passwords.ts';
import { resolveDataDir } from '../config.ts';
import { DATABASE_FILE, openDatabase } from '../storage/openDatabase.ts';

/**
 * Administration from the command line (`npm run admin -- <command>`), on the data directory
 * directly: safe while the server runs (SQLite WAL). Members changed here reach the workspace
 * index document at the server's next start or the next sign-in to that workspace.
 *
 * Exit codes: 0 done, 1 the operation failed (exists, not found, weak password), 2 usage error.
 */
const USAGE = `Usage: npm run admin -- <command> [--data-dir <path>]

Commands:
  create-workspace <id> <name>
  create-agent <workspaceId> <email> <name> --role admin|lead|agent [--password <pw>]
      without --password a password is generated and printed
  reset-password <workspaceId> <email> [--password <pw>]
      without --password a password is generated and printed; ends the agent's sessions
  set-role <workspaceId> <email> admin|lead|agent
  deactivate <workspaceId> <email>      ends the agent's sessions; it can no longer sign in
  list-agents <workspaceId> [--json]
  list-workspaces [--json]

The data directory is --data-dir, else SWITCHBOARD_DATA_DIR, else ./.data.
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const OPTIONS = {
  'data-dir': { type: 'string' },
  role: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });

function need(args: string[], count: number, what: string): string[] {
  if (args.length < count) throw new UsageError(`${what}: missing arguments`);
  return args;
}

/** Runs one CLI command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    io.err(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (!command || values.help || command === 'help') {
    io.out(USAGE);
    return command || values.help ? 0 : 2;
  }

  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const creates = command === 'create-workspace';
  if (!creates && !existsSync(join(dataDir, DATABASE_FILE))) {
    io.err(`error: no Switchboard data in ${dataDir} (create a workspace first, or pass --data-dir)`);
    return 1;
  }
  const db = openDatabase(dataDir);
  const directory = new Directory(db);
  const report = <T>(result: DirectoryResult<T>, ok: (value: T) => void): number => {
    if (!result.ok) {
      io.err(`error: ${result.message}`);
      return 1;
    }
    ok(result.value);
    return 0;
  };
  const agentOf = (workspaceId: string, email: string) => {
    const agent = directory.findAgent(workspaceId, email);
    if (!agent) io.err(`error: no agent ${email} in workspace ${workspaceId}`);
    return agent;
  };

  try {
    switch (command) {
      case 'create-workspace': {
        const [id, ...name] = need(args, 2, command);
        return report(directory.createWorkspace(id as string, name.join(' ')), (w) => io.out(`Created workspace ${w.id} "${w.name}"`));
      }
      case 'create-agent': {
        const [workspaceId, email, ...nameParts] = need(args, 3, command) as [string, string, ...string[]];
        const role = values.role;
        if (!isRole(role)) throw new UsageError('create-agent: --role admin|lead|agent is required');
        const generated = values.password === undefined;
        const password = values.password ?? generatePassword();
        return report(await directory.createAgent({ workspaceId, email, name: nameParts.join(' '), role, password }), (a) => {
          io.out(`Created ${a.role} ${a.name} <${a.email}> in ${a.workspaceId} (id ${a.id})`);
          if (generated) io.out(`Password: ${password}`);
        });
      }
      case 'reset-password': {
        const [workspaceId, email] = need(args, 2, command) as [string, string];
        const agent = agentOf(workspaceId, email);
        if (!agent) return 1;
        const generated = values.password === undefined;
        const password = values.password ?? generatePassword();
        return report(await directory.setPassword(agent.id, password), (a) => {
          io.out(`Password of ${a.email} in ${workspaceId} reset; their sessions have ended`);
          if (generated) io.out(`Password: ${password}`);
        });
      }
      case 'set-role': {
        const [workspaceId, email, role] = need(args, 3, command) as [string, string, string];
        if (!isRole(role)) throw new UsageError('set-role: the role is admin, lead or agent');
        const agent = agentOf(workspaceId, email);
        if (!agent) return 1;
        return report(directory.setRole(agent.id, role), (a) => io.out(`${a.email} is now ${a.role}`));
      }
      case 'deactivate': {
        const [workspaceId, email] = need(args, 2, command) as [string, string];
        const agent = agentOf(workspaceId, email);
        if (!agent) return 1;
        return report(directory.deactivate(agent.id), (a) => io.out(`${a.email} deactivated; their sessions have ended`));
      }
      case 'list-agents': {
        const [workspaceId] = need(args, 1, command) as [string];
        if (!directory.getWorkspace(workspaceId)) {
          io.err(`error: no workspace ${workspaceId}`);
          return 1;
        }
        const agents = directory.listAgents(workspaceId);
        if (values.json) io.out(JSON.stringify(agents.map(({ id, email, name, role, active }) => ({ id, email, name, role, active }))));
        else {
          const rows = agents.map((a) => [a.email, a.name, a.role, a.active ? 'active' : 'inactive', a.id]);
          const header = ['EMAIL', 'NAME', 'ROLE', 'STATUS', 'ID'];
          const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
          for (const r of [header, ...rows]) io.out(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
        }
        return 0;
      }
      case 'list-workspaces': {
        const workspaces = directory.listWorkspaces();
        if (values.json) io.out(JSON.stringify(workspaces));
        else for (const w of workspaces) io.out(`${w.id}  ${w.name}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}`);
      io.err(USAGE);
      return 2;
    }
    throw err;
  } finally {
    db.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
