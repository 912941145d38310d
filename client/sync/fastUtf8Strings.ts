import { utf8TextDecoder } from 'lib0/string';

/** Longest string decoded in JavaScript; longer ones (message bodies) go to the native decoder. */
const MAX_JS_LENGTH = 64;

/**
 * Faster string decoding for Yjs updates in the browser.
 *
 * lib0 reads every string of an update (each key and string value of a message entry, each map
 * key) with one call of its shared `TextDecoder` (`utf-8`, fatal, BOM kept). In Chromium that call
 * costs 300-450 ns whatever the length (about 100 ns in Node: the server keeps it), and a 5,000-message
 * conversation holds ~70,000 short strings: 20-30 ms of every open went there. A loop over the
 * bytes builds a short ASCII string in ~100-150 ns.
 *
 * This gives lib0's decoder instance an own `decode`: short pure-ASCII input is built in
 * JavaScript, anything else (non-ASCII, long, invalid: the native decoder still throws) goes to
 * the native method. ASCII bytes decode to the same characters under UTF-8, so results are
 * identical. Idempotent; a no-op where lib0 has no native decoder.
 */
export function installFastUtf8Strings(decoder: TextDecoder | null = utf8TextDecoder): void {
  if (!decoder || Object.hasOwn(decoder, 'decode')) return;
  const native = TextDecoder.prototype.decode;
  Object.defineProperty(decoder, 'decode', {
    configurable: true,
    value(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
      if (input instanceof Uint8Array && input.length <= MAX_JS_LENGTH && options === undefined) {
        let s = '';
        for (let i = 0; i < input.length; i++) {
          const c = input[i] as number;
          if (c > 0x7f) return native.call(decoder, input);
          s += String.fromCharCode(c);
        }
        return s;
      }
      return native.call(decoder, input, options);
    },
  });
}
