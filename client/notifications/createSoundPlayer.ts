import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { type SoundId, soundUrl } from '../../shared/schema/notifications.ts';

export interface SoundPlayer {
  play(sound: SoundId, volume: number): Promise<boolean>;
  /** The browser refused to play (autoplay policy) and no click or key has unlocked it yet. */
  blocked: Accessor<boolean>;
}

/**
 * Plays the bundled alert sounds. Browsers refuse audio before the page has had a user gesture
 * (autoplay rules): a refused play sets `blocked` (the app shows a hint), and the first click or
 * key press anywhere unlocks it.
 */
export function createSoundPlayer(): SoundPlayer {
  const [blocked, setBlocked] = createSignal(false);
  const cache = new Map<SoundId, HTMLAudioElement>();
  const audio = (sound: SoundId) => {
    let el = cache.get(sound);
    if (!el) {
      el = new Audio(soundUrl(sound));
      el.preload = 'auto';
      cache.set(sound, el);
    }
    return el;
  };
  if (typeof window !== 'undefined') {
    const unlock = () => setBlocked(false);
    window.addEventListener('pointerdown', unlock, true);
    window.addEventListener('keydown', unlock, true);
    onCleanup(() => {
      window.removeEventListener('pointerdown', unlock, true);
      window.removeEventListener('keydown', unlock, true);
    });
  }
  return {
    blocked,
    async play(sound, volume) {
      if (typeof Audio === 'undefined' || volume <= 0) return false;
      const el = audio(sound);
      el.volume = Math.min(1, Math.max(0, volume));
      el.currentTime = 0;
      try {
        await el.play();
        setBlocked(false);
        return true;
      } catch (err) {
        if ((err as { name?: string }).name === 'NotAllowedError') setBlocked(true);
        return false;
      }
    },
  };
}
