import { Match, Switch } from 'solid-js';
import type { Receipt } from '../../shared/schema/delivery.ts';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from './icons.tsx';

export interface DeliveryStatusProps {
  /** No receipt: the server has not handed the message to its channel yet (queued). */
  receipt: Receipt | undefined;
}

/**
 * Delivery status under an agent's message: queued (clock, "Queued"), sent (one gray check),
 * delivered (two gray checks), read (two colored checks), failed (icon and reason). Every state
 * has text for screen readers; queued and failed show theirs.
 */
export function DeliveryStatus(props: DeliveryStatusProps) {
  const status = () => props.receipt?.status ?? 'queued';
  const when = () => (props.receipt?.at ? new Date(props.receipt.at).toLocaleString('en-US') : undefined);
  return (
    <span class={`delivery delivery--${status()}`} title={when()}>
      <Switch>
        <Match when={status() === 'queued'}>
          <ClockIcon size={13} />
          <span>Queued</span>
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
        <Match when={status() === 'failed'}>
          <AlertIcon size={14} />
          <span>Failed{props.receipt?.reason ? `: ${props.receipt.reason}` : ''}</span>
        </Match>
      </Switch>
    </span>
  );
}
