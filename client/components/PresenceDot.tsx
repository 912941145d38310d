import type { AgentPresence } from '../../shared/schema/presence.ts';
import { availabilityText } from '../stores/createAvailability.ts';

/**
 * A green / yellow / gray dot for an agent's availability, with its text for screen readers
 * (and as a tooltip): "Away (auto)".
 */
export function PresenceDot(props: { presence: AgentPresence | undefined; name?: string }) {
  const status = () => props.presence?.status ?? 'offline';
  const text = () => availabilityText(props.presence);
  return (
    <span
      class={`presence-dot presence-dot--${status()}`}
      classList={{ 'presence-dot--auto': Boolean(props.presence?.auto) }}
      title={props.name ? `${props.name}: ${text()}` : text()}
      data-status={status()}
    >
      <span class="visually-hidden">{props.name ? `${props.name}: ${text()}` : text()}</span>
    </span>
  );
}
