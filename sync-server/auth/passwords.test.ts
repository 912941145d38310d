import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, generatePassword, hashPassword, verifyPassword } from './passwords.ts';

describe('passwords (AUTH4)', () => {
  it('AUTH4: stores an scrypt hash with its parameters and a random salt, never the password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('correct');
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery ', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so they can change later', async () => {
    const cheap = await hashPassword('pass-phrase', { N: 1024, r: 8, p: 1, keyLength: 32 });
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('pass-phrase', cheap)).toBe(true);
  });

  it('refuses an unreadable or tampered hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999$8$1$AAAA$BBBB')).toBe(false);
    const stored = await hashPassword('pass-phrase');
    const tampered = `${stored.slice(0, -2)}${stored.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await verifyPassword('pass-phrase', tampered)).toBe(false);
  });

  it('asks for 8 to 500 characters and generates passwords that pass', () => {
    expect(checkPasswordPolicy('short').ok).toBe(false);
    expect(checkPasswordPolicy('x'.repeat(501)).ok).toBe(false);
    expect(checkPasswordPolicy('switchboard').ok).toBe(true);
    const generated = generatePassword();
    expect(checkPasswordPolicy(generated).ok).toBe(true);
    expect(generated).not.toBe(generatePassword());
  });
});
