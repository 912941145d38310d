import { IdSchema, z } from '../zod.ts';

/**
 * Contact profiles: who a conversation is with. Kept by the server (SQLite, the authority) and
 * mirrored, one plain JSON value per contact, in the workspace index document's `contacts` map,
 * which every member reads (IDX1: only the server writes it). Agents change a profile through
 * `POST /api/contacts/update`, leads and admins merge two through `POST /api/contacts/merge`
 * (rules CON1–CON6). Template variables (`{{first_name}}`, `{{company}}`,
 * `{{attributes.<key>}}`) read these fields.
 */
export const CONTACT_LIMITS = {
  name: 200,
  namePart: 100,
  email: 320,
  phone: 40,
  company: 200,
  attributes: 50,
  attributeValue: 500,
  identities: 50,
} as const;

/** A custom attribute's key: what `{{attributes.<key>}}` names (shared/templates). */
export const ATTRIBUTE_KEY_PATTERN = /^[a-z0-9_]{1,64}$/;

/**
 * Where a contact can be reached or recognised. New inbound on any of them finds the contact:
 *   phone    E.164 (`+` and digits): WhatsApp and SMS
 *   email    lower-case address
 *   id       a contact id the contact had before (a webchat visitor id, a contact merged into it)
 */
export const IDENTITY_KINDS = ['phone', 'email', 'id'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
export interface ContactIdentity {
  kind: IdentityKind;
  value: string;
}

export interface ContactProfile {
  id: string;
  name: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  company?: string;
  attributes: Record<string, string>;
  identities: ContactIdentity[];
  createdAt: number;
  updatedAt: number;
  /** Agent who last edited the profile (null: created or changed by the server). */
  updatedBy: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{3,40}$/;

const optionalText = (max: number) => z.string().check(z.trim(), z.maxLength(max));

/**
 * An edit from an agent: only the fields it changes. An empty string clears an optional field;
 * an attribute set to null is removed. Unknown fields are refused (CON2).
 */
export const ContactChanges = z.partial(
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(CONTACT_LIMITS.name)),
    firstName: optionalText(CONTACT_LIMITS.namePart),
    lastName: optionalText(CONTACT_LIMITS.namePart),
    email: optionalText(CONTACT_LIMITS.email).check(z.refine((v) => v === '' || EMAIL.test(v), 'not an email address')),
    phone: optionalText(CONTACT_LIMITS.phone).check(
      z.refine((v) => v === '' || (PHONE.test(v) && v.replace(/\D/g, '').length >= 3), 'not a phone number'),
    ),
    company: optionalText(CONTACT_LIMITS.company),
    attributes: z
      .record(
        z.string().check(z.regex(ATTRIBUTE_KEY_PATTERN, 'attribute keys are lower-case letters, digits and _')),
        z.nullable(optionalText(CONTACT_LIMITS.attributeValue)),
      )
      .check(z.refine((r) => Object.keys(r).length <= CONTACT_LIMITS.attributes, `at most ${CONTACT_LIMITS.attributes} attributes`)),
  }),
);
export type ContactChanges = z.infer<typeof ContactChanges>;

export const ContactUpdateRequest = z.strictObject({ contactId: IdSchema, changes: ContactChanges });
export const ContactMergeRequest = z.strictObject({
  /** The contact that stays (its fields win). */
  targetId: IdSchema,
  /** The contact merged into it (gone afterwards; its id stays an identity of the target). */
  sourceId: IdSchema,
});

/** `+` and digits, or null when there are too few digits to be a number. */
export function normalizePhone(value: string | undefined | null): string | null {
  if (!value) return null;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 3 && digits.length <= 20 ? `+${digits}` : null;
}

export function normalizeEmail(value: string | undefined | null): string | null {
  const v = value?.trim().toLowerCase();
  return v && EMAIL.test(v) ? v : null;
}

/** The fields template variables read, from a profile. */
export function templateContact(p: ContactProfile) {
  return {
    name: p.name,
    ...(p.firstName ? { firstName: p.firstName } : {}),
    ...(p.lastName ? { lastName: p.lastName } : {}),
    ...(p.company ? { company: p.company } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.phone ? { phone: p.phone } : {}),
    attributes: p.attributes,
  };
}
