import { z } from '../zod.ts';

/**
 * Web Push REST API (docs/notifications.md). Every route needs `Authorization: Bearer <token>`;
 * an agent sees and changes only its own devices (NTF12).
 *
 *   GET    /api/push/config                       → PushConfig
 *   GET    /api/push/subscriptions                → {devices: PushDevice[]}
 *   POST   /api/push/subscriptions                PushSubscribeRequest → 201 PushDevice
 *   DELETE /api/push/subscriptions?id=<id>        → 204 (404 if not one of mine)
 *   POST   /api/push/subscriptions/test?id=<id>   → {status}: a test notification to that device
 *   POST   /api/push/simulated-subscriptions      {deviceName} → 201 {device, subscription}
 *                                                  (only when the push-service simulator runs)
 */
export interface PushConfig {
  /** The VAPID public key (base64url): `applicationServerKey` for PushManager.subscribe. */
  publicKey: string;
  /** True when pushes go to the local push-service simulator (tests, demo) instead of browsers' own. */
  simulator: boolean;
}

export interface PushDevice {
  id: string;
  deviceName: string;
  createdAt: number;
  lastSuccessAt: number | null;
  /** Host of the push service (e.g. fcm.googleapis.com), never the whole endpoint. */
  service: string;
}

const b64url = (bytes: number) =>
  z.string().check(
    z.regex(/^[A-Za-z0-9_-]+={0,2}$/),
    z.refine((s) => decodedLength(s) === bytes, `must decode to ${bytes} bytes`),
  );

const decodedLength = (s: string) => Math.floor((s.replace(/=+$/, '').length * 3) / 4);

export const DeviceNameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(80));

/** What `PushSubscription.toJSON()` gives, plus a name for the device. */
export const PushSubscribeRequest = z.object({
  endpoint: z.url().check(z.maxLength(2048)),
  keys: z.object({ p256dh: b64url(65), auth: b64url(16) }),
  deviceName: DeviceNameSchema,
});
export type PushSubscribeRequest = z.infer<typeof PushSubscribeRequest>;
