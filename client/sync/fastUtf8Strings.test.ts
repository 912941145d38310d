import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { installFastUtf8Strings } from './fastUtf8Strings.ts';

const make = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const enc = new TextEncoder();

describe('installFastUtf8Strings', () => {
  const fast = make();
  installFastUtf8Strings(fast);
  const reference = make();

  it('decodes exactly as the native decoder: ASCII, non-ASCII, long, empty, BOM', () => {
    const inputs = ['', 'id', 'createdAt', 'Hello, how can I help?', 'Zoë Ångström', '日本語のテキスト', '\uFEFFbom', 'x'.repeat(64), 'y'.repeat(65), '🙂 emoji'];
    for (const text of inputs) expect(fast.decode(enc.encode(text))).toBe(reference.decode(enc.encode(text)));
  });

  it('still refuses invalid UTF-8', () => {
    expect(() => fast.decode(new Uint8Array([0x61, 0xc3]))).toThrow(TypeError);
    expect(() => fast.decode(new Uint8Array([0xff]))).toThrow(TypeError);
  });

  it('is installed once and leaves other decoders alone', () => {
    installFastUtf8Strings(fast);
    expect(Object.hasOwn(fast, 'decode')).toBe(true);
    expect(Object.hasOwn(reference, 'decode')).toBe(false);
  });

  it('a Yjs document of message entries reads back the same through lib0', () => {
    installFastUtf8Strings();
    const doc = new Y.Doc();
    const entries = [
      { id: 'm1', kind: 'message', author: { type: 'contact', id: 'c1' }, text: 'Hallo, ich heiße Jürgen', createdAt: 1 },
      { id: 'm2', kind: 'note', author: { type: 'agent', id: 'a1' }, text: 'short', createdAt: 2 },
    ];
    doc.getArray('messages').push(entries);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(copy.getArray('messages').toJSON()).toEqual(entries);
  });
});
