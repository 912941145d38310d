/**
 * Carries document updates between server processes that hold the same document. Each process
 * publishes the updates it persisted (client or server changes) and applies what others publish
 * (origin `{kind:'fanout'}`: never persisted or re-published again). The in-process default is
 * LocalFanout; a Redis one plugs in behind the same interface for the scaled-out mode.
 */
export interface Fanout {
  /** Sends `update` of `docName` to every subscriber; `from` is the publishing process's id. */
  publish(docName: string, update: Uint8Array, from: string): void;

  /**
   * Calls `handler` for every update published on `docName` (including this process's own:
   * compare `from` to skip them). Returns the unsubscribe function.
   */
  subscribe(docName: string, handler: FanoutHandler): () => void;

  /** Stops delivering; publishing afterwards is a no-op. */
  close(): Promise<void>;
}

export type FanoutHandler = (update: Uint8Array, from: string) => void;
