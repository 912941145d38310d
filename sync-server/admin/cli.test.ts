import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Directory } from '../auth/Directory.ts';
import { openDatabase } from '../storage/openDatabase.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'sync-server/admin/cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('admin CLI', () => {
  it('creates a workspace and agents, lists them, and the password it printed signs in', async () => {
    expect(await cli('create-workspace', 'acme', 'Acme', 'Support')).toMatchObject({ code: 0, stdout: 'Created workspace acme "Acme Support"\n' });
    const withPassword = await cli('create-agent', 'acme', 'dana@example.com', 'Dana', 'Reyes', '--role', 'admin', '--password', 'switchboard', '--data-dir', dataDir);
    expect(withPassword.code).toBe(0);
    expect(withPassword.stdout).not.toContain('Password:');
    const generated = await cli('create-agent', 'acme', 'sam@example.com', 'Sam Patel', '--role', 'agent');
    expect(generated.code).toBe(0);
    const password = /Password: (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();

    const list = await cli('list-agents', 'acme', '--json');
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', active: true }),
      expect.objectContaining({ email: 'sam@example.com', name: 'Sam Patel', role: 'agent', active: true }),
    ]);
    const table = await cli('list-agents', 'acme');
    expect(table.stdout.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS\s+ID$/);

    const db = openDatabase(dataDir);
    try {
      const signIn = await new Directory(db).signIn({ email: 'sam@example.com', password: password ?? '' });
      expect(signIn.ok).toBe(true);
    } finally {
      db.close();
    }
  });

  it('resets a password, printing the new one, and the old one stops working', async () => {
    const reset = await cli('reset-password', 'acme', 'DANA@example.com');
    expect(reset.code).toBe(0);
    const password = /Password: (\S+)/.exec(reset.stdout)?.[1] ?? '';
    const db = openDatabase(dataDir);
    try {
      const directory = new Directory(db);
      expect((await directory.signIn({ email: 'dana@example.com', password: 'switchboard' })).ok).toBe(false);
      expect((await directory.signIn({ email: 'dana@example.com', password })).ok).toBe(true);
    } finally {
      db.close();
    }
  });

  it('exits 1 with a clear message when the operation fails', async () => {
    const duplicate = await cli('create-workspace', 'acme', 'Again');
    expect(duplicate).toMatchObject({ code: 1, stderr: 'error: Workspace acme already exists\n' });
    const noAgent = await cli('reset-password', 'acme', 'nobody@example.com');
    expect(noAgent).toMatchObject({ code: 1, stderr: 'error: no agent nobody@example.com in workspace acme\n' });
    const weak = await cli('create-agent', 'acme', 'lee@example.com', 'Lee', '--role', 'lead', '--password', 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('at least 8 characters');
    const empty = await cli('list-agents', 'acme', '--data-dir', join(dataDir, 'nothing-here'));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no Switchboard data in');
  });

  it('exits 2 with the usage on a usage error', async () => {
    const missingRole = await cli('create-agent', 'acme', 'lee@example.com', 'Lee');
    expect(missingRole.code).toBe(2);
    expect(missingRole.stderr).toContain('--role admin|lead|agent is required');
    expect(missingRole.stderr).toContain('Usage: npm run admin');
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('list-agents', '--bogus-flag')).code).toBe(2);
    expect(await cli('help')).toMatchObject({ code: 0 });
  });
});
