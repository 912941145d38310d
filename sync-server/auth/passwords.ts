import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing (AUTH4): scrypt from node:crypto with a random 16-byte salt per password.
 * The parameters are stored with the hash so they can be raised later without breaking
 * existing passwords:
 *
 *   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
 *
 * N=2^15, r=8, p=1 costs about 32 MiB and a few tens of milliseconds per check.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };

/** Longest password we hash (scrypt input is bounded anyway; this bounds request work). */
export const MAX_PASSWORD_LENGTH = 500;
export const MIN_PASSWORD_LENGTH = 8;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { params: { N, r, p, keyLength: key.length }, salt, key };
}

/** True when `password` matches `stored`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    // Spend the same time as a real check, so a broken row is not observable by timing.
    await derive(password, randomBytes(16), DEFAULT_SCRYPT);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

let dummy: Promise<string> | null = null;

/**
 * A valid hash of a random password: sign-in verifies against it when the email is unknown,
 * so "no such user" and "wrong password" take the same time.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

/** Whether a password is acceptable to set (length only: long passphrases beat rules). */
export function checkPasswordPolicy(password: string): { ok: true } | { ok: false; message: string } {
  if (password.length < MIN_PASSWORD_LENGTH)
    return { ok: false, message: `A password needs at least ${MIN_PASSWORD_LENGTH} characters` };
  if (password.length > MAX_PASSWORD_LENGTH)
    return { ok: false, message: `A password has at most ${MAX_PASSWORD_LENGTH} characters` };
  return { ok: true };
}

/** A random password for the admin CLI to print (about 95 bits). */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x');
}
