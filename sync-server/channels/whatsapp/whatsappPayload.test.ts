import { describe, expect, it } from 'vitest';
import { WaInboundMessage, describeWhatsAppMessage, whatsappFailure } from './whatsappPayload.ts';

const base = { from: '16505551234', id: 'wamid.X', timestamp: '1717000000' };
const describe_ = (m: Record<string, unknown>) => describeWhatsAppMessage(WaInboundMessage.parse({ ...base, ...m }));

describe('describeWhatsAppMessage', () => {
  it('shows text as is', () => {
    expect(describe_({ type: 'text', text: { body: 'Hi, my order has not arrived' } })).toBe('Hi, my order has not arrived');
  });

  it('shows media as a placeholder with its caption, never as nothing', () => {
    expect(describe_({ type: 'image', image: { id: '1', mime_type: 'image/jpeg', sha256: 'x', caption: 'The broken lid' } })).toBe('[Image] The broken lid');
    expect(describe_({ type: 'video', video: { id: '1', mime_type: 'video/mp4' } })).toBe('[Video]');
    expect(describe_({ type: 'audio', audio: { id: '1', mime_type: 'audio/ogg', voice: true } })).toBe('[Voice message]');
    expect(describe_({ type: 'document', document: { id: '1', mime_type: 'application/pdf', filename: 'invoice.pdf', caption: 'Invoice' } })).toBe(
      '[Document: invoice.pdf] Invoice',
    );
    expect(describe_({ type: 'sticker', sticker: { id: '1', mime_type: 'image/webp', animated: false } })).toBe('[Sticker]');
  });

  it('describes locations, contact cards, replies, reactions and unknown types', () => {
    expect(describe_({ type: 'location', location: { latitude: 52.5, longitude: 13.4, name: 'Depot', address: 'Main St 1' } })).toBe(
      '[Location] Depot, Main St 1 (52.5, 13.4)',
    );
    expect(describe_({ type: 'contacts', contacts: [{ name: { formatted_name: 'Bo Li' }, phones: [{ phone: '+1 555 0100', type: 'CELL' }] }] })).toBe(
      '[Contact card] Bo Li +1 555 0100',
    );
    expect(describe_({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'y', title: 'Yes' } } })).toBe('[Reply] Yes');
    expect(describe_({ type: 'button', button: { payload: 'P', text: 'Track order' } })).toBe('[Button] Track order');
    expect(describe_({ type: 'reaction', reaction: { message_id: 'wamid.Y', emoji: '👍' } })).toBe('[Reaction] 👍 to an earlier message');
    expect(describe_({ type: 'reaction', reaction: { message_id: 'wamid.Y', emoji: '' } })).toBe('[Reaction removed]');
    expect(describe_({ type: 'unsupported', errors: [{ code: 131051 }] })).toContain('cannot show');
    expect(describe_({ type: 'order' })).toBe('[order message]');
  });
});

describe('whatsappFailure', () => {
  it("keeps the provider's code and its details as the reason", () => {
    expect(
      whatsappFailure({ id: 'w', status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours' } }] }),
    ).toEqual({ code: '131047', reason: 'More than 24 hours' });
  });
});
