import type { Database } from 'better-sqlite3';
import webpush from 'web-push';

/** The server's VAPID identity (RFC 8292): push services know pushes come from this server. */
export interface VapidKeys {
  /** Uncompressed P-256 public key, base64url: the browser's `applicationServerKey`. */
  publicKey: string;
  privateKey: string;
  /** Contact for push services: a mailto: or https: URL. */
  subject: string;
}

export const DEFAULT_VAPID_SUBJECT = 'mailto:admin@switchboard.invalid';

/**
 * The VAPID keys: from configuration when given (both keys), else the pair stored in the
 * database, else a new pair generated now and stored, so subscriptions stay valid across
 * restarts (a browser's subscription is bound to the public key it was made with).
 */
export function loadVapidKeys(db: Database, configured: Partial<VapidKeys> | null): VapidKeys {
  const subject = configured?.subject ?? DEFAULT_VAPID_SUBJECT;
  if (configured?.publicKey && configured.privateKey) {
    webpush.setVapidDetails(subject, configured.publicKey, configured.privateKey); // validates them (throws on bad keys)
    return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject };
  }
  db.exec('CREATE TABLE IF NOT EXISTS push_vapid (id INTEGER PRIMARY KEY CHECK (id = 1), public_key TEXT NOT NULL, private_key TEXT NOT NULL, created_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT public_key, private_key FROM push_vapid WHERE id = 1').get() as { public_key: string; private_key: string } | undefined;
  if (row) return { publicKey: row.public_key, privateKey: row.private_key, subject };
  const keys = webpush.generateVAPIDKeys();
  db.prepare('INSERT INTO push_vapid (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?)').run(keys.publicKey, keys.privateKey, Date.now());
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, subject };
}
