import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';

/**
 * The browser's half of Web Push encryption, written from the RFCs (independently of the
 * `web-push` library the server sends with), so the push-service simulator checks what the server
 * really sends: RFC 8291 (message encryption) over RFC 8188 (aes128gcm content coding), and
 * RFC 8292 (VAPID) for the Authorization header.
 */

const b64url = (buf: Uint8Array) => Buffer.from(buf).toString('base64url');
const fromB64url = (s: string) => Buffer.from(s, 'base64url');

/** A subscription's keys as a browser makes them: a P-256 key pair and a 16-byte auth secret. */
export interface SubscriptionKeys {
  /** Uncompressed P-256 public point (65 bytes), base64url: `keys.p256dh` of the subscription. */
  p256dh: string;
  /** 16 random bytes, base64url: `keys.auth`. */
  auth: string;
  /** The private key, which only the browser (here: the simulator) holds. */
  privateKey: string;
}

export function createSubscriptionKeys(): SubscriptionKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(randomBytes(16)), privateKey: b64url(ecdh.getPrivateKey()) };
}

const hmac = (key: Uint8Array, data: Uint8Array) => createHmac('sha256', key).update(data).digest();
/** HKDF-SHA-256 with one block of output (all lengths here are ≤ 32 bytes). */
const hkdf = (salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number) => hmac(hmac(salt, ikm), Buffer.concat([info, Buffer.from([1])])).subarray(0, length);

export type DecryptResult = { ok: true; plaintext: Buffer } | { ok: false; reason: string };

/**
 * Decrypts an `aes128gcm` Web Push body:
 *
 *   header:  salt (16) | rs (uint32 BE) | idlen (1) | keyid (idlen: the sender's public key, 65)
 *   records: rs bytes each (the last may be shorter): AES-128-GCM ciphertext | tag (16)
 *   plaintext of a record: data | delimiter (0x01, or 0x02 for the last record) | zero padding
 *
 *   ecdh  = ECDH(receiver private key, sender public key)
 *   IKM   = HKDF(salt = auth, ikm = ecdh, info = "WebPush: info\0" | ua_public | as_public, 32)
 *   CEK   = HKDF(salt, IKM, "Content-Encoding: aes128gcm\0", 16)
 *   NONCE = HKDF(salt, IKM, "Content-Encoding: nonce\0", 12), XOR the record sequence number
 */
export function decryptAes128gcm(body: Uint8Array, keys: SubscriptionKeys): DecryptResult {
  const buf = Buffer.from(body);
  if (buf.length < 21) return { ok: false, reason: 'body shorter than the aes128gcm header' };
  const salt = buf.subarray(0, 16);
  const rs = buf.readUInt32BE(16);
  const idlen = buf[20] ?? 0;
  if (rs < 18 || idlen !== 65 || buf.length < 21 + idlen + 17) return { ok: false, reason: 'bad aes128gcm header' };
  const senderPublic = buf.subarray(21, 21 + idlen);
  const ciphertext = buf.subarray(21 + idlen);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(fromB64url(keys.privateKey));
  let secret: Buffer;
  try {
    secret = ecdh.computeSecret(senderPublic);
  } catch {
    return { ok: false, reason: 'sender key is not a P-256 point' };
  }
  const receiverPublic = fromB64url(keys.p256dh);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic]);
  const ikm = hkdf(fromB64url(keys.auth), secret, info, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const baseNonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const parts: Buffer[] = [];
  const records = Math.ceil(ciphertext.length / rs);
  for (let i = 0; i < records; i++) {
    const record = ciphertext.subarray(i * rs, Math.min((i + 1) * rs, ciphertext.length));
    if (record.length < 17) return { ok: false, reason: 'record too short' };
    const nonce = Buffer.from(baseNonce);
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ i) >>> 0, 8);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(record.subarray(record.length - 16));
      plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    } catch {
      return { ok: false, reason: 'authentication failed (wrong keys or corrupted body)' };
    }
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const delimiter = plain[end];
    const last = i === records - 1;
    if (delimiter !== (last ? 2 : 1)) return { ok: false, reason: 'bad padding delimiter' };
    parts.push(plain.subarray(0, end));
  }
  return { ok: true, plaintext: Buffer.concat(parts) };
}

export type VapidResult = { ok: true; subject: string; publicKey: string } | { ok: false; reason: string };

/**
 * Checks an RFC 8292 `Authorization: vapid t=<JWT>, k=<public key>` header: an ES256 JWT signed by
 * `k`, whose `aud` is the push service's origin and whose `exp` is in the next 24 hours.
 */
export function verifyVapid(header: string | undefined, audience: string, now = Date.now()): VapidResult {
  const match = /^vapid\s+t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header?.trim() ?? '');
  if (!match) return { ok: false, reason: 'missing or malformed vapid authorization' };
  const [, token = '', k = ''] = match;
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return { ok: false, reason: 'malformed JWT' };
  const point = fromB64url(k);
  if (point.length !== 65 || point[0] !== 4) return { ok: false, reason: 'k is not an uncompressed P-256 point' };
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }, format: 'jwk' });
  const signed = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, fromB64url(s));
  if (!signed) return { ok: false, reason: 'bad JWT signature' };
  let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
  try {
    const headerJson = JSON.parse(fromB64url(h).toString()) as { alg?: unknown };
    if (headerJson.alg !== 'ES256') return { ok: false, reason: 'JWT alg is not ES256' };
    claims = JSON.parse(fromB64url(p).toString()) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed JWT' };
  }
  if (claims.aud !== audience) return { ok: false, reason: `aud is not ${audience}` };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < now || claims.exp * 1000 > now + 24 * 3600_000 + 60_000) {
    return { ok: false, reason: 'exp missing, past or more than 24 hours ahead' };
  }
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return { ok: false, reason: 'sub must be a mailto: or https: URL' };
  return { ok: true, subject: claims.sub, publicKey: k };
}
