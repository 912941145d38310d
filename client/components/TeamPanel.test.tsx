import { render } from 'solid-js/web';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { TeamPanel } from './TeamPanel.tsx';

let dispose: (() => void) | null = null;
afterEach(() => {
  dispose?.();
  dispose = null;
  document.body.innerHTML = '';
});

const member = (id: string, name: string) => ({ id, name, email: `${id}@example.com`, role: 'agent', active: true }) as MemberSummary;
const presence = (agentId: string, status: AgentPresence['status'], chosen: AgentPresence['chosen'], auto: AgentPresence['auto']): AgentPresence => ({
  agentId,
  status,
  chosen,
  auto,
  since: 0,
  chosenBy: null,
  chosenAt: 0,
});

function mount(entries: Record<string, AgentPresence>) {
  const root = document.createElement('div');
  document.body.append(root);
  dispose = render(
    () => (
      <TeamPanel
        members={[member('me', 'Dana Reyes'), member('lee', 'Lee Chen'), member('sam', 'Sam Patel')]}
        presence={(id) => entries[id]}
        me="me"
        canManage={true}
        onSetOffline={() => undefined}
      />
    ),
    root,
  );
  return root;
}

describe('TeamPanel', () => {
  it('explains what Set Offline changes for someone who only shows Offline because they disconnected', () => {
    const root = mount({
      me: presence('me', 'online', 'online', null),
      lee: presence('lee', 'offline', 'online', 'disconnected'),
      sam: presence('sam', 'online', 'online', null),
    });
    const lee = root.querySelector<HTMLButtonElement>('[aria-label="Set Lee Chen Offline"]');
    expect(lee?.title).toMatch(/^Lee shows Offline because no device is connected, but chose Online: they would be Online again when they reconnect\./);
    expect(root.querySelector<HTMLButtonElement>('[aria-label="Set Sam Patel Offline"]')?.title).toBe('Routing stops sending Sam conversations until they choose Online again.');
    // Nobody sets themselves Offline from the team list.
    expect(root.querySelector('[aria-label="Set Dana Reyes Offline"]')).toBeNull();
  });
});
