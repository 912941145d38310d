import { createUniqueId, Match, Switch } from 'solid-js';
import type { Channel } from '../../shared/channels/capabilities.ts';
import { CAPABILITIES } from '../../shared/channels/capabilities.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from './icons.tsx';

/**
 * A delivery state as the thread shows it: a receipt; Sent without a time for a stored message
 * on a channel where stored is sent (ChannelCapabilities.sentWhenStored); or `sending` (client
 * only) for a message the server has stored and is handing to its provider.
 */
export type ShownDelivery = (Omit<Receipt, 'at'> | { status: 'sending' }) & { at?: number };

export interface DeliveryStatusProps {
  /** None: the message has not reached the server yet (queued on this device). */
  receipt: ShownDelivery | undefined;
  /** The conversation's channel: where read receipts may not exist, delivered says so. */
  channel?: Channel | undefined;
}

/**
 * Delivery status under an agent's message: queued (clock, "Queued"), sent (one gray check),
 * delivered (two gray checks), read (two colored checks), failed (icon and "Failed"; the reason
 * in a tooltip shown on hover and on keyboard focus, and as the accessible description). Every
 * state has text for screen readers.
 */
export function DeliveryStatus(props: DeliveryStatusProps) {
  const tipId = createUniqueId();
  const status = () => props.receipt?.status ?? 'queued';
  const when = () => (props.receipt?.at ? new Date(props.receipt.at).toLocaleString('en-US') : undefined);
  const caps = () => (props.channel ? CAPABILITIES[props.channel] : undefined);
  /** Hover text: the state, when it was reached, and for delivered where "read" cannot follow. */
  const title = () => {
    const label = { queued: 'Queued', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed' }[status()];
    const parts = [when() ? `${label} ${when()}` : label];
    if (status() === 'queued' && !props.receipt) parts.push('Not on the server yet: it goes out when this device is connected');
    if (status() === 'sending') parts.push(`On the server, being handed to ${caps()?.label ?? 'the channel'}`);
    if (status() === 'delivered' && caps()?.readReceipts !== 'yes' && caps()?.readHint) parts.push(caps()!.readHint!);
    return parts.join('. ');
  };
  const reason = () => {
    const r = props.receipt;
    if (!r || !('reason' in r) || !r.reason) return 'No reason was given';
    return r.code && !r.reason.includes(r.code) ? `${r.reason} (code ${r.code})` : r.reason;
  };
  return (
    <Switch>
      <Match when={status() === 'failed'}>
        <span class="delivery delivery--failed">
          <span class="delivery__failed" tabindex="0" aria-describedby={tipId}>
            <AlertIcon size={14} />
            <span>Failed</span>
          </span>
          <span id={tipId} role="tooltip" class="delivery__tip">
            {reason()}
          </span>
        </span>
      </Match>
      <Match when={true}>
        <span class={`delivery delivery--${status()}`} title={title()}>
          <Switch>
            <Match when={status() === 'queued'}>
              <ClockIcon size={13} />
              <span>Queued</span>
            </Match>
            <Match when={status() === 'sending'}>
              <ClockIcon size={13} />
              <span>Sending</span>
            </Match>
            <Match when={status() === 'sent'}>
              <CheckIcon size={14} />
              <span class="visually-hidden">Sent</span>
            </Match>
            <Match when={status() === 'delivered'}>
              <DoubleCheckIcon size={16} />
              <span class="visually-hidden">Delivered</span>
            </Match>
            <Match when={status() === 'read'}>
              <DoubleCheckIcon size={16} />
              <span class="visually-hidden">Read</span>
            </Match>
          </Switch>
        </span>
      </Match>
    </Switch>
  );
}
