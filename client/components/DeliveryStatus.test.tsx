import { render } from 'solid-js/web';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryStatus, type ShownDelivery } from './DeliveryStatus.tsx';

let dispose: (() => void) | null = null;
afterEach(() => {
  dispose?.();
  dispose = null;
  document.body.innerHTML = '';
});

function mount(receipt: ShownDelivery | undefined, channel?: 'whatsapp' | 'sms') {
  const root = document.createElement('div');
  document.body.append(root);
  dispose = render(() => <DeliveryStatus receipt={receipt} channel={channel} />, root);
  return root;
}

describe('DeliveryStatus', () => {
  it('names every state for screen readers', () => {
    expect(mount(undefined).textContent).toBe('Queued');
    dispose?.();
    expect(mount({ status: 'sent', at: 1 }).textContent).toBe('Sent');
    dispose?.();
    expect(mount({ status: 'read', at: 1 }).querySelector('.delivery--read')?.textContent).toBe('Read');
  });

  it('tells a message still on this device from one the server is handing to the provider', () => {
    const queued = mount(undefined, 'whatsapp');
    expect(queued.textContent).toBe('Queued');
    expect(queued.querySelector('.delivery')?.getAttribute('title')).toMatch(/Not on the server yet/);
    dispose?.();
    const sending = mount({ status: 'sending' }, 'whatsapp');
    expect(sending.textContent).toBe('Sending');
    expect(sending.querySelector('.delivery')?.getAttribute('title')).toBe('Sending. On the server, being handed to WhatsApp');
  });

  it('says on delivered where read receipts may never come', () => {
    const root = mount({ status: 'delivered', at: 1 }, 'sms');
    expect(root.textContent).toBe('Delivered');
    expect(root.querySelector('.delivery')?.getAttribute('title')).toMatch(/SMS has no read receipts/);
  });

  it('gives a failure a focusable element described by its reason and code', () => {
    const root = mount({ status: 'failed', at: 1, code: '131026', reason: 'Message undeliverable' }, 'whatsapp');
    const focusable = root.querySelector<HTMLElement>('[tabindex="0"]');
    expect(focusable?.textContent).toBe('Failed');
    const tip = document.getElementById(focusable!.getAttribute('aria-describedby')!);
    expect(tip?.getAttribute('role')).toBe('tooltip');
    expect(tip?.textContent).toBe('Message undeliverable (code 131026)');
  });
});
