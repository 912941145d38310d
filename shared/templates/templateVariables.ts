/**
 * The variables a template may use and how each is read from the conversation's context.
 *
 * Contact:       first_name, last_name, name, company, email, phone
 * Custom:        attributes.<key>  any custom contact attribute (keys: lower-case, digits, "_").
 *                Custom attributes always carry the `attributes.` prefix, so a typo in a built-in
 *                name (`{{frist_name}}`) is an unknown variable at save time instead of silently
 *                meaning an attribute nobody has.
 * Agent:         agent.name, agent.first_name, agent.last_name, agent.email
 * Conversation:  conversation.id, conversation.channel
 * Workspace:     workspace.name
 *
 * Missing values render as empty text unless the template gives a fallback (`{{first_name|there}}`).
 * `first_name`/`last_name` come from the profile's own fields when it has them, otherwise from
 * splitting `name` at its first space ("Maya Thompson" → "Maya", "Thompson").
 */

export type AttributeValue = string | number | boolean | null;

export interface TemplateContact {
  name?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  email?: string;
  phone?: string;
  attributes?: Readonly<Record<string, AttributeValue | undefined>>;
}

export interface TemplateContext {
  contact?: TemplateContact;
  agent?: { name?: string; email?: string };
  conversation?: { id?: string; channel?: string };
  workspace?: { name?: string };
}

/** Every built-in variable with a short description (for the editor's help and suggestions). */
export const TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  first_name: "Contact's first name",
  last_name: "Contact's last name",
  name: "Contact's full name",
  company: "Contact's company",
  email: "Contact's email address",
  phone: "Contact's phone number",
  'agent.name': 'Your full name',
  'agent.first_name': 'Your first name',
  'agent.last_name': 'Your last name',
  'agent.email': 'Your email address',
  'conversation.id': 'Conversation id',
  'conversation.channel': 'Channel (webchat, email, whatsapp, sms)',
  'workspace.name': 'Workspace name',
};

export const ATTRIBUTE_PREFIX = 'attributes.';
const ATTRIBUTE_KEY = /^[a-z0-9_]{1,64}$/;

/** Whether `name` is a variable templates may use. */
export function isKnownVariable(name: string): boolean {
  if (Object.hasOwn(TEMPLATE_VARIABLES, name)) return true;
  return name.startsWith(ATTRIBUTE_PREFIX) && ATTRIBUTE_KEY.test(name.slice(ATTRIBUTE_PREFIX.length));
}

/**
 * The closest built-in name (edit distance ≤ 2), for "did you mean". Names written the way other
 * tools write them are recognised first: a `contact.`/`customer.`/`user.` prefix
 * (`{{contact.first_name}}`), camelCase (`{{firstName}}`) and upper case (`{{FIRST_NAME}}`).
 */
export function suggestVariable(name: string): string | null {
  const normalised = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^(contact|customer|user|visitor)\./, '');
  if (normalised !== name && isKnownVariable(normalised)) return normalised;
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of Object.keys(TEMPLATE_VARIABLES)) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (!best && !name.includes('.')) return `${ATTRIBUTE_PREFIX}${name}`;
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 3;
}

const splitName = (name: string | undefined): [string, string] => {
  const trimmed = (name ?? '').trim();
  if (!trimmed) return ['', ''];
  const space = trimmed.indexOf(' ');
  return space === -1 ? [trimmed, ''] : [trimmed.slice(0, space), trimmed.slice(space + 1).trim()];
};

const str = (v: AttributeValue | undefined): string => (v === null || v === undefined ? '' : String(v));

/** The value of a variable in `context`: '' when missing (unknown names also give ''). */
export function resolveVariable(name: string, context: TemplateContext): string {
  const c = context.contact ?? {};
  const a = context.agent ?? {};
  switch (name) {
    case 'first_name':
      return (c.firstName ?? '').trim() || (c.lastName ? '' : splitName(c.name)[0]);
    case 'last_name':
      return (c.lastName ?? '').trim() || (c.firstName ? '' : splitName(c.name)[1]);
    case 'name':
      return (c.name ?? '').trim() || [c.firstName, c.lastName].filter(Boolean).join(' ');
    case 'company':
      return str(c.company).trim();
    case 'email':
      return str(c.email).trim();
    case 'phone':
      return str(c.phone).trim();
    case 'agent.name':
      return (a.name ?? '').trim();
    case 'agent.first_name':
      return splitName(a.name)[0];
    case 'agent.last_name':
      return splitName(a.name)[1];
    case 'agent.email':
      return (a.email ?? '').trim();
    case 'conversation.id':
      return context.conversation?.id ?? '';
    case 'conversation.channel':
      return context.conversation?.channel ?? '';
    case 'workspace.name':
      return context.workspace?.name ?? '';
  }
  if (name.startsWith(ATTRIBUTE_PREFIX)) {
    const key = name.slice(ATTRIBUTE_PREFIX.length);
    const attributes = c.attributes ?? {};
    return Object.hasOwn(attributes, key) ? str(attributes[key]).trim() : '';
  }
  return '';
}
