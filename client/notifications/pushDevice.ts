import type { PushConfig, PushDevice } from '../../shared/protocol/push.ts';

/** REST calls of Settings › Notifications (shared/protocol/push.ts) and this device's push subscription. */
async function api<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `HTTP ${res.status}`);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const THIS_DEVICE = 'switchboard-push-device';

/** Id of this browser's push device (localStorage), to mark it in the list. */
export function thisDeviceId(): string | null {
  try {
    return localStorage.getItem(THIS_DEVICE);
  } catch {
    return null;
  }
}

function rememberDevice(id: string | null): void {
  try {
    if (id) localStorage.setItem(THIS_DEVICE, id);
    else localStorage.removeItem(THIS_DEVICE);
  } catch {
    /* private mode */
  }
}

export const pushConfig = (token: string) => api<PushConfig>(token, '/api/push/config');
export const listDevices = async (token: string) => (await api<{ devices: PushDevice[] }>(token, '/api/push/subscriptions')).devices;
export const testDevice = (token: string, id: string) => api<{ status: string }>(token, `/api/push/subscriptions/test?id=${encodeURIComponent(id)}`, { method: 'POST' });

export async function removeDevice(token: string, id: string): Promise<void> {
  await api<void>(token, `/api/push/subscriptions?id=${encodeURIComponent(id)}`, { method: 'DELETE' });
  if (thisDeviceId() === id) {
    rememberDevice(null);
    const registration = await navigator.serviceWorker?.getRegistration();
    await (await registration?.pushManager.getSubscription())?.unsubscribe().catch(() => undefined);
  }
}

const b64urlToBytes = (s: string) => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/**
 * Subscribes this browser to Web Push and registers it: with the browser's own push service
 * (PushManager, keyed with our VAPID public key), or, when the server runs the local
 * push-service simulator (demo, tests), with a subscription the simulator makes.
 */
export async function enablePushHere(token: string, deviceName: string): Promise<PushDevice> {
  const config = await pushConfig(token);
  let device: PushDevice;
  if (config.simulator) {
    device = (await api<{ device: PushDevice }>(token, '/api/push/simulated-subscriptions', { method: 'POST', body: JSON.stringify({ deviceName }) })).device;
  } else {
    const registration = await navigator.serviceWorker?.ready;
    if (!registration?.pushManager) throw new Error('This browser does not support Web Push.');
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(config.publicKey) });
    const json = subscription.toJSON();
    device = await api<PushDevice>(token, '/api/push/subscriptions', { method: 'POST', body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys, deviceName }) });
  }
  rememberDevice(device.id);
  return device;
}

/** A readable default name for this device, e.g. "Chrome on Linux". */
export function guessDeviceName(ua = typeof navigator === 'undefined' ? '' : navigator.userAgent): string {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'this device';
  return `${browser} on ${os}`;
}
