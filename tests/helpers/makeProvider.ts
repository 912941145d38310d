import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface TestProvider {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Bytes of every frame this client received. */
  received: number[];
  /** Resolves once the provider has synced (now or later). */
  synced(): Promise<void>;
  /** Resolves with the close code of the next connection close (server- or network-caused). */
  nextClose(): Promise<number>;
  /** `permission-denied` reasons the server sent (auth messages). */
  denied: string[];
  destroy(): void;
}

/**
 * An unmodified y-websocket WebsocketProvider on `ws`, connected to a test server's
 * `/sync/<docName>` with `?token=`. BroadcastChannel is off so clients sync only via the server.
 */
export function makeProvider(
  serverUrl: string,
  docName: string,
  token: string,
  opts: { doc?: Y.Doc; connect?: boolean; maxBackoffTime?: number } = {},
): TestProvider {
  const doc = opts.doc ?? new Y.Doc();
  const received: number[] = [];
  const denied: string[] = [];
  // Counts bytes as the provider's socket receives them.
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data: Buffer) => received.push(data.byteLength));
    }
  }
  const provider = new WebsocketProvider(serverUrl, docName, doc, {
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
    connect: opts.connect ?? true,
    maxBackoffTime: opts.maxBackoffTime ?? 100,
  });
  // The provider reports auth messages with console.warn: record them instead.
  provider.messageHandlers[2] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) denied.push(decoding.readVarString(decoder));
  };
  return {
    doc,
    provider,
    received,
    denied,
    synced: () =>
      provider.synced
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const onSync = (state: boolean) => {
              if (!state) return;
              provider.off('sync', onSync);
              resolve();
            };
            provider.on('sync', onSync);
          }),
    nextClose: () =>
      new Promise<number>((resolve) => {
        const onClose = (event: { code: number } | null) => {
          if (!event) return;
          provider.off('connection-close', onClose);
          resolve(event.code);
        };
        provider.on('connection-close', onClose);
      }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}
