/**
 * Synthesises the bundled alert sounds (public/sounds/*.wav): short tones computed here from
 * sine waves and decay envelopes, so they are ours to redistribute (no third-party recordings).
 *
 *   node --import tsx scripts/generateSounds.ts
 *
 * 22,050 Hz, mono, 16-bit PCM WAV, each under a second.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RATE = 22_050;

type Voice = { freq: number | ((t: number) => number); start: number; decay: number; gain: number };

function render(duration: number, voices: Voice[]): Float32Array {
  const out = new Float32Array(Math.round(duration * RATE));
  for (const v of voices) {
    let phase = 0;
    for (let i = Math.round(v.start * RATE); i < out.length; i++) {
      const t = i / RATE - v.start;
      const f = typeof v.freq === 'number' ? v.freq : v.freq(t);
      phase += (2 * Math.PI * f) / RATE;
      const attack = Math.min(1, t / 0.004);
      out[i] = (out[i] ?? 0) + v.gain * attack * Math.exp(-t / v.decay) * Math.sin(phase);
    }
  }
  const peak = out.reduce((m, x) => Math.max(m, Math.abs(x)), 0) || 1;
  // Fade the last 20 ms out, normalise to -3 dBFS.
  for (let i = 0; i < out.length; i++) {
    const tail = Math.min(1, (out.length - i) / (0.02 * RATE));
    out[i] = ((out[i] ?? 0) / peak) * 0.7 * tail;
  }
  return out;
}

function wav(samples: Float32Array): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const SOUNDS: Record<string, Float32Array> = {
  chime: render(0.7, [
    { freq: 880, start: 0, decay: 0.18, gain: 1 },
    { freq: 1318.5, start: 0.12, decay: 0.25, gain: 0.9 },
  ]),
  ping: render(0.45, [
    { freq: 1760, start: 0, decay: 0.1, gain: 1 },
    { freq: 3520, start: 0, decay: 0.04, gain: 0.25 },
  ]),
  pop: render(0.18, [{ freq: (t) => 520 * Math.exp(-t * 14) + 140, start: 0, decay: 0.05, gain: 1 }]),
  bell: render(0.9, [
    { freq: 659.3, start: 0, decay: 0.35, gain: 1 },
    { freq: 659.3 * 2.76, start: 0, decay: 0.12, gain: 0.35 },
    { freq: 659.3 * 5.4, start: 0, decay: 0.05, gain: 0.15 },
  ]),
  knock: render(0.32, [
    { freq: 190, start: 0, decay: 0.03, gain: 1 },
    { freq: 310, start: 0, decay: 0.02, gain: 0.5 },
    { freq: 190, start: 0.15, decay: 0.03, gain: 1 },
    { freq: 310, start: 0.15, decay: 0.02, gain: 0.5 },
  ]),
};

const dir = resolve(import.meta.dirname, '..', 'public', 'sounds');
mkdirSync(dir, { recursive: true });
for (const [name, samples] of Object.entries(SOUNDS)) {
  const file = join(dir, `${name}.wav`);
  writeFileSync(file, wav(samples));
  process.stdout.write(`${file}\n`);
}
