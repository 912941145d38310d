/**
 * What each channel can carry, mirroring the spec's "Real-time features by channel" table.
 * The UI reads this table to decide what to show (typing dots, receipt icons, composer hints).
 */
export const CHANNELS = ['webchat', 'whatsapp', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const isChannel = (v: unknown): v is Channel =>
  typeof v === 'string' && (CHANNELS as readonly string[]).includes(v);

export interface ChannelCapabilities {
  label: string;
  /**
   * The contact's typing reaches us. The spec's table says yes for WhatsApp, but the Cloud API
   * has no inbound typing event (channels-reference 1.3–1.8: webhooks carry messages and
   * statuses only), so it is false there and the composer says so.
   */
  typingInbound: boolean;
  typingOutbound: boolean;
  /** 'yes', 'recipient' (only if the recipient has not disabled them) or 'no'. */
  readReceipts: 'yes' | 'recipient' | 'no';
  /** How delivery is confirmed. */
  delivery: 'receipt' | 'carrier' | 'bounce-detection';
  /**
   * The contact reads the conversation from us (webchat), so a message the server has stored is
   * sent: no `sent` receipt is written; the thread shows Sent once the server is known to have
   * stored it (DLV1, shared/protocol/stored.ts). Elsewhere Sent means the provider took it.
   */
  sentWhenStored: boolean;
  /** Shown in the composer where typing cannot be carried. */
  typingHint?: string;
  /** Shown where read tracking is unavailable. */
  readHint?: string;
}

export const CAPABILITIES: Record<Channel, ChannelCapabilities> = {
  webchat: { label: 'Webchat', typingInbound: true, typingOutbound: true, readReceipts: 'yes', delivery: 'receipt', sentWhenStored: true },
  whatsapp: {
    label: 'WhatsApp',
    typingInbound: false,
    typingOutbound: true,
    typingHint: 'WhatsApp does not tell us when the customer is typing (they do see that you are)',
    readReceipts: 'recipient',
    delivery: 'receipt',
    sentWhenStored: false,
    readHint: 'Read receipts only if the contact has not turned them off',
  },
  sms: {
    label: 'SMS',
    typingInbound: false,
    typingOutbound: false,
    readReceipts: 'no',
    delivery: 'carrier',
    sentWhenStored: false,
    typingHint: 'SMS cannot show typing: the customer may be writing a reply you cannot see',
    readHint: 'SMS has no read receipts',
  },
  email: {
    label: 'Email',
    typingInbound: false,
    typingOutbound: false,
    readReceipts: 'no',
    delivery: 'bounce-detection',
    sentWhenStored: false,
    typingHint: 'Email cannot show typing',
    readHint: 'Email read tracking is not available; delivered means no bounce arrived',
  },
};
