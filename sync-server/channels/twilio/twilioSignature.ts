import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as received: a key may repeat. */
export type FormParams = ReadonlyArray<readonly [string, string]>;

/**
 * `X-Twilio-Signature` (channels-reference 2.2): Base64 HMAC-SHA1, keyed with the auth token,
 * of the full URL followed by every parameter as key+value, keys sorted (case-sensitive), a
 * repeated key once per distinct value, values sorted.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const byKey = new Map<string, Set<string>>();
  for (const [k, v] of params) {
    let set = byKey.get(k);
    if (!set) byKey.set(k, (set = new Set()));
    set.add(v);
  }
  let data = url;
  for (const key of [...byKey.keys()].sort()) {
    for (const value of [...(byKey.get(key) ?? [])].sort()) data += key + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL with and without its scheme's default port: Twilio signs either (twilio-node accepts both). */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : null;
  if (!defaultPort) return [url];
  const withoutPort = url.replace(new RegExp(`^(${parsed.protocol}//[^/:?#]+):${defaultPort}(?=[/?#]|$)`), '$1');
  const withPort = withoutPort.replace(new RegExp(`^(${parsed.protocol}//[^/:?#]+)(?=[/?#]|$)`), `$1:${defaultPort}`);
  return [...new Set([url, withoutPort, withPort])];
}

/** Constant-time check of an `X-Twilio-Signature` header. */
export function verifyTwilioSignature(authToken: string, url: string, params: FormParams, header: string | undefined): boolean {
  if (!header) return false;
  const given = Buffer.from(header);
  return urlVariants(url).some((u) => {
    const expected = Buffer.from(twilioSignature(authToken, u, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
