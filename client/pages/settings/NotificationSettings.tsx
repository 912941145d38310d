import { createMemo, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { settingsDoc } from '../../../shared/ids.ts';
import type { PushDevice } from '../../../shared/protocol/push.ts';
import { canManage } from '../../../shared/schema/roles.ts';
import {
  DEFAULT_NOTIFICATION_PREFS,
  effectivePrefs,
  NOTIFICATION_DEFAULTS_KEY,
  NOTIFICATION_KIND_LABELS,
  NOTIFICATION_KINDS,
  NOTIFICATION_PREFS_KEY,
  type NotificationKind,
  type NotificationPrefs,
  SOUND_LABELS,
  SOUNDS,
  type SoundId,
} from '../../../shared/schema/notifications.ts';
import { SETTINGS_ROOTS } from '../../../shared/schema/settings.ts';
import { createSoundPlayer } from '../../notifications/createSoundPlayer.ts';
import { createNotificationPermission } from '../../notifications/notificationPermission.ts';
import { enablePushHere, guessDeviceName, listDevices, removeDevice, testDevice, thisDeviceId } from '../../notifications/pushDevice.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';
import { createEditableWhenCurrent } from '../../stores/createEditableWhenCurrent.ts';

const CHANNELS = [
  { key: 'browser', label: 'Desktop' },
  { key: 'sound', label: 'Sound' },
  { key: 'push', label: 'Push' },
] as const;

/**
 * Settings › Notifications, per agent and synced across the agent's devices at once (the agent
 * document's `prefs.notifications`, NTF2): per event the desktop / sound / push switches, the
 * sound and a preview, the volume, quiet hours, "unassigned conversations too"; this browser's
 * permission and push subscription; the agent's push devices. Admins and leads also set the
 * workspace defaults new agents start from (NTF3).
 */
export function NotificationSettings() {
  const w = useWorkspace();
  const token = w.session.token;
  const { permission, request } = createNotificationPermission();
  const player = createSoundPlayer();
  const prefs = createMemo(() => effectivePrefs(w.agent.prefs[NOTIFICATION_PREFS_KEY], w.settings[NOTIFICATION_DEFAULTS_KEY]));
  // The switches wait for the agent's stored preferences (createEditableWhenCurrent).
  const ready = createEditableWhenCurrent(() => w.agent.handle, w.connection);
  const save = (change: (p: NotificationPrefs) => NotificationPrefs) => w.agent.setPref(NOTIFICATION_PREFS_KEY, change(structuredClone(prefs())));
  const setChannel = (kind: NotificationKind, channel: 'browser' | 'sound' | 'push', on: boolean) =>
    save((p) => ({ ...p, events: { ...p.events, [kind]: { ...p.events[kind], [channel]: on } } }));
  const setSound = (kind: NotificationKind, sound: SoundId) => save((p) => ({ ...p, sounds: { ...p.sounds, [kind]: sound } }));

  const [devices, { refetch }] = createResource(() => listDevices(token).catch(() => [] as PushDevice[]));
  const [deviceName, setDeviceName] = createSignal(guessDeviceName());
  const [status, setStatus] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const here = () => thisDeviceId();
  const registeredHere = () => (devices() ?? []).some((d) => d.id === here());

  const enablePush = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const device = await enablePushHere(token, deviceName().trim() || guessDeviceName());
      setStatus(`Push notifications are on for “${device.deviceName}”.`);
      await refetch();
    } catch (err) {
      setStatus(`Push could not be turned on: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const canSetDefaults = () => canManage(w.index.members[w.session.agent.id]?.role ?? w.session.agent.role);
  const settingsHandle = w.client.retain(settingsDoc(w.session.workspace.id));
  onCleanup(() => settingsHandle.release());
  const setDefaults = (value: NotificationPrefs) => {
    settingsHandle.doc().getMap(SETTINGS_ROOTS.workspace).set(NOTIFICATION_DEFAULTS_KEY, structuredClone(value));
    setStatus('Workspace defaults saved: new agents start from them.');
  };

  return (
    <section class="settings-section notify-settings" aria-labelledby="notify-settings-title">
      <header class="settings-section__head">
        <h1 id="notify-settings-title" class="settings-section__title">
          Notifications
        </h1>
        <p class="settings-section__intro">
          Your own settings, the same on all your devices. Nothing is notified while you are Offline, nor for your own actions, nor for
          the conversation you are looking at.
        </p>
      </header>
      <Show when={status()}>
        <p class="notify-settings__status" role="status">
          {status()}
        </p>
      </Show>

      <fieldset>
        <legend>This browser</legend>
        <div class="notify-settings__line">
          <span>
            Notifications on this device:{' '}
            <strong>
              {permission() === 'granted' ? 'allowed' : permission() === 'denied' ? 'blocked' : permission() === 'unsupported' ? 'not supported' : 'not enabled yet'}
            </strong>
          </span>
          <Show when={permission() === 'default'}>
            <button type="button" class="button button--small button--primary" onClick={() => void request()}>
              Enable notifications
            </button>
          </Show>
        </div>
        <Show when={permission() === 'denied'}>
          <p class="notify-settings__muted">
            Your browser blocks notifications for this site. Open the site settings (on a computer, the icon at the left of the
            address bar; on Android, the browser's menu › Settings › Site settings; on an iPhone, Settings › Notifications ›
            Switchboard), set Notifications to Allow, then reload.
          </p>
        </Show>
        <div class="notify-settings__line">
          <label>
            Device name{' '}
            <input type="text" class="field__control notify-settings__control" value={deviceName()} maxLength={80} onInput={(e) => setDeviceName(e.currentTarget.value)} />
          </label>
          <button type="button" class="button button--small" disabled={busy()} onClick={() => void enablePush()}>
            {registeredHere() ? 'Renew push on this device' : 'Enable push on this device'}
          </button>
        </div>
        <p class="notify-settings__muted">Push reaches this device even when no Switchboard tab is open (the installed app on a phone, too).</p>
      </fieldset>

      <fieldset disabled={!ready()} aria-busy={!ready()}>
        <legend>Alerts</legend>
        <div class="notify-settings__grid" role="group" aria-label="Alerts per event">
          <span class="notify-settings__head">Event</span>
          <For each={CHANNELS}>{(c) => <span class="notify-settings__head">{c.label}</span>}</For>
          <span class="notify-settings__head">Sound</span>
          <For each={NOTIFICATION_KINDS}>
            {(kind) => (
              <>
                <span class="notify-settings__row-label" id={`notify-kind-${kind}`}>
                  {NOTIFICATION_KIND_LABELS[kind]}
                </span>
                <For each={CHANNELS}>
                  {(c) => (
                    <input
                      type="checkbox"
                      aria-label={`${c.label} for ${NOTIFICATION_KIND_LABELS[kind].toLowerCase()}`}
                      checked={prefs().events[kind][c.key]}
                      onChange={(e) => setChannel(kind, c.key, e.currentTarget.checked)}
                    />
                  )}
                </For>
                <span class="notify-settings__sound">
                  <select
                    class="field__control notify-settings__control"
                    aria-label={`Sound for ${NOTIFICATION_KIND_LABELS[kind].toLowerCase()}`}
                    value={prefs().sounds[kind]}
                    onChange={(e) => setSound(kind, e.currentTarget.value as SoundId)}
                  >
                    <For each={SOUNDS}>{(s) => <option value={s}>{SOUND_LABELS[s]}</option>}</For>
                  </select>
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={`Preview the sound for ${NOTIFICATION_KIND_LABELS[kind].toLowerCase()}`}
                    onClick={() => void player.play(prefs().sounds[kind], prefs().volume || 0.6)}
                  >
                    Preview
                  </button>
                </span>
              </>
            )}
          </For>
        </div>
        <div class="notify-settings__line">
          <label for="notify-volume">Volume</label>
          <input
            id="notify-volume"
            type="range"
            min="0"
            max="100"
            step="5"
            value={Math.round(prefs().volume * 100)}
            aria-valuetext={`${Math.round(prefs().volume * 100)}%`}
            onChange={(e) => save((p) => ({ ...p, volume: Number(e.currentTarget.value) / 100 }))}
          />
          <span>{Math.round(prefs().volume * 100)}%</span>
        </div>
        <label class="notify-settings__line">
          <input type="checkbox" checked={prefs().unassigned} onChange={(e) => save((p) => ({ ...p, unassigned: e.currentTarget.checked }))} />
          Unassigned conversations too (new messages in conversations nobody is assigned to)
        </label>
      </fieldset>

      <fieldset disabled={!ready()} aria-busy={!ready()}>
        <legend>Quiet hours</legend>
        <label class="notify-settings__line">
          <input
            type="checkbox"
            checked={prefs().quietHours.enabled}
            onChange={(e) => {
              const enabled = e.currentTarget.checked;
              const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
              save((p) => ({ ...p, quietHours: { ...p.quietHours, enabled, timeZone } }));
            }}
          />
          No sound, desktop or push notifications during quiet hours (toasts in the app stay)
        </label>
        <div class="notify-settings__line">
          <label>
            From{' '}
            <input
              type="time"
              class="field__control notify-settings__control"
              value={prefs().quietHours.start}
              onChange={(e) => e.currentTarget.value && save((p) => ({ ...p, quietHours: { ...p.quietHours, start: e.currentTarget.value.slice(0, 5) } }))}
            />
          </label>
          <label>
            to{' '}
            <input
              type="time"
              class="field__control notify-settings__control"
              value={prefs().quietHours.end}
              onChange={(e) => e.currentTarget.value && save((p) => ({ ...p, quietHours: { ...p.quietHours, end: e.currentTarget.value.slice(0, 5) } }))}
            />
          </label>
          <span class="notify-settings__muted">Time zone: {prefs().quietHours.timeZone}</span>
        </div>
      </fieldset>

      <fieldset>
        <legend>Devices with push</legend>
        <Show when={(devices() ?? []).length > 0} fallback={<p class="notify-settings__muted">No device receives push notifications yet.</p>}>
          <ul class="notify-settings__devices" aria-label="Devices with push">
            <For each={devices()}>
              {(d) => (
                <li>
                  <span class="notify-settings__device-name">
                    {d.deviceName}
                    {d.id === here() ? ' (this device)' : ''}
                  </span>
                  <span class="notify-settings__muted">
                    since {new Date(d.createdAt).toLocaleDateString('en-US')}
                    {d.lastSuccessAt ? `, last push ${new Date(d.lastSuccessAt).toLocaleString('en-US')}` : ''}
                  </span>
                  <button type="button" class="button button--small" aria-label={`Send a test push to ${d.deviceName}`} onClick={() => void testDevice(token, d.id).then((r) => setStatus(`Test push to “${d.deviceName}”: ${r.status}.`))}>
                    Test
                  </button>
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={`Remove ${d.deviceName}`}
                    onClick={() =>
                      void removeDevice(token, d.id)
                        .then(() => refetch())
                        .then(() => setStatus(`“${d.deviceName}” no longer receives push notifications.`))
                    }
                  >
                    Remove
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </fieldset>

      <Show when={canSetDefaults()}>
        <fieldset disabled={!ready()} aria-busy={!ready()}>
          <legend>Workspace defaults</legend>
          <p class="notify-settings__muted">New agents start from these settings until they change their own.</p>
          <div class="notify-settings__line">
            <button type="button" class="button button--small" onClick={() => setDefaults(prefs())}>
              Use my settings as the workspace defaults
            </button>
            <button type="button" class="button button--small" onClick={() => setDefaults(DEFAULT_NOTIFICATION_PREFS)}>
              Reset the workspace defaults
            </button>
          </div>
        </fieldset>
      </Show>
    </section>
  );
}
