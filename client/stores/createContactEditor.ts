import { type Accessor, createSignal } from 'solid-js';
import { ATTRIBUTE_KEY_PATTERN, type ContactChanges, type ContactProfile } from '../../shared/schema/contact.ts';
import { postJson } from '../api/postJson.ts';

export interface ContactForm {
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  attributes: Array<{ key: string; value: string }>;
}

export const FIELDS = [
  { key: 'name', label: 'Name' },
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'company', label: 'Company' },
] as const;

export const formOf = (p: ContactProfile): ContactForm => ({
  name: p.name,
  firstName: p.firstName ?? '',
  lastName: p.lastName ?? '',
  email: p.email ?? '',
  phone: p.phone ?? '',
  company: p.company ?? '',
  attributes: Object.entries(p.attributes ?? {}).map(([key, value]) => ({ key, value })),
});

/**
 * Only what the form changed, as the server expects it (CON2): so two agents editing different
 * fields of one contact both keep theirs. Null when the form is not valid (with why).
 */
export function changesOf(before: ContactProfile, form: ContactForm): { ok: true; changes: ContactChanges } | { ok: false; message: string } {
  const changes: ContactChanges = {};
  const name = form.name.trim();
  if (!name) return { ok: false, message: 'A contact needs a name.' };
  if (name !== before.name) changes.name = name;
  for (const { key } of FIELDS) {
    if (key === 'name') continue;
    const value = form[key].trim();
    if (value !== (before[key] ?? '')) changes[key] = value;
  }
  const attributes: Record<string, string | null> = {};
  const seen = new Set<string>();
  for (const row of form.attributes) {
    const key = row.key.trim();
    if (!key && !row.value.trim()) continue;
    if (!ATTRIBUTE_KEY_PATTERN.test(key)) return { ok: false, message: `Attribute “${key || '(empty)'}”: use lower-case letters, digits and _.` };
    if (seen.has(key)) return { ok: false, message: `Attribute “${key}” is listed twice.` };
    seen.add(key);
    if (row.value.trim() !== (before.attributes[key] ?? '')) attributes[key] = row.value.trim();
  }
  for (const key of Object.keys(before.attributes ?? {})) if (!seen.has(key)) attributes[key] = null;
  if (Object.keys(attributes).length) changes.attributes = attributes;
  return { ok: true, changes };
}

export interface ContactEditor {
  editing: Accessor<boolean>;
  form: Accessor<ContactForm | null>;
  busy: Accessor<boolean>;
  error: Accessor<string | null>;
  /** Announced after a save or merge. */
  status: Accessor<string | null>;
  start(profile: ContactProfile): void;
  cancel(): void;
  update(change: (form: ContactForm) => ContactForm): void;
  save(profile: ContactProfile): Promise<boolean>;
  merge(targetId: string, source: ContactProfile): Promise<boolean>;
}

/** The contact panel's edit form and merge action; the server checks both (CON2–CON6). */
export function createContactEditor(token: string): ContactEditor {
  const [form, setForm] = createSignal<ContactForm | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal<string | null>(null);
  return {
    editing: () => form() !== null,
    form,
    busy,
    error,
    status,
    start(profile) {
      setError(null);
      setStatus(null);
      setForm(formOf(profile));
    },
    cancel() {
      setError(null);
      setForm(null);
    },
    update(change) {
      const current = form();
      if (current) setForm(change(current));
    },
    async save(profile) {
      const current = form();
      if (!current) return false;
      const diff = changesOf(profile, current);
      if (!diff.ok) {
        setError(diff.message);
        return false;
      }
      if (Object.keys(diff.changes).length === 0) {
        setForm(null);
        return true;
      }
      setBusy(true);
      const result = await postJson<ContactProfile>('/api/contacts/update', { contactId: profile.id, changes: diff.changes }, token);
      setBusy(false);
      if (!result.ok) {
        setError(result.message);
        return false;
      }
      setForm(null);
      setError(null);
      setStatus('Contact saved.');
      return true;
    },
    async merge(targetId, source) {
      setBusy(true);
      setError(null);
      const result = await postJson<ContactProfile>('/api/contacts/merge', { targetId, sourceId: source.id }, token);
      setBusy(false);
      if (!result.ok) {
        setError(result.message);
        return false;
      }
      setStatus(`${source.name} was merged into this contact.`);
      return true;
    },
  };
}
