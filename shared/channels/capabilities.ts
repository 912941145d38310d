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
  typingInbound: boolean;
  typingOutbound: boolean;
  /** 'yes', 'recipient' (only if the recipient has not disabled them) or 'no'. */
  readReceipts: 'yes' | 'recipient' | 'no';
  /** How delivery is confirmed. */
  delivery: 'receipt' | 'carrier' | 'bounce-detection';
  /** Shown in the composer where typing cannot be carried. */
  typingHint?: string;
  /** Shown where read tracking is unavailable. */
  readHint?: string;
}

export const CAPABILITIES: Record<Channel, ChannelCapabilities> = {
  webchat: { label: 'Webchat', typingInbound: true, typingOutbound: true, readReceipts: 'yes', delivery: 'receipt' },
  whatsapp: {
    label: 'WhatsApp',
    typingInbound: true,
    typingOutbound: true,
    readReceipts: 'recipient',
    delivery: 'receipt',
    readHint: 'Read receipts only if the contact has not turned them off',
  },
  sms: {
    label: 'SMS',
    typingInbound: false,
    typingOutbound: false,
    readReceipts: 'no',
    delivery: 'carrier',
    typingHint: 'SMS cannot show typing: the customer may be writing a reply you cannot see',
    readHint: 'SMS has no read receipts',
  },
  email: {
    label: 'Email',
    typingInbound: false,
    typingOutbound: false,
    readReceipts: 'no',
    delivery: 'bounce-detection',
    typingHint: 'Email cannot show typing',
    readHint: 'Email read tracking is not available; delivered means no bounce arrived',
  },
};
