import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escapeHtml.ts';
import { parseTemplate } from './parseTemplate.ts';
import { renderRichHtml, renderRichPlain, renderRichWhatsApp } from './renderRich.ts';
import { renderTemplate } from './renderTemplate.ts';
import { parseRichText } from './richText.ts';
import { isKnownVariable, resolveVariable, suggestVariable, type TemplateContext } from './templateVariables.ts';
import { describeProblems, validateTemplate } from './validateTemplate.ts';

const maya: TemplateContext = {
  contact: { name: 'Maya Thompson', email: 'maya@example.com', phone: '+1 555 0100', company: 'Thompson Outdoor', attributes: { plan: 'Pro', seats: 12, vip: true, empty: '' } },
  agent: { name: 'Dana Reyes', email: 'dana@example.com' },
  conversation: { id: 'c1', channel: 'webchat' },
  workspace: { name: 'Acme Support' },
};
const text = (t: string, ctx: TemplateContext = maya) => renderTemplate(t, ctx).text;

describe('parseTemplate', () => {
  it('splits text and variables with their positions', () => {
    const { parts, errors } = parseTemplate('Hi {{first_name}}!');
    expect(errors).toEqual([]);
    expect(parts).toEqual([
      { type: 'text', text: 'Hi ' },
      { type: 'variable', name: 'first_name', fallback: null, start: 3, end: 17 },
      { type: 'text', text: '!' },
    ]);
  });

  it('reads a fallback and ignores spaces around name and fallback', () => {
    const { parts } = parseTemplate('{{ first_name | there }}');
    expect(parts).toEqual([{ type: 'variable', name: 'first_name', fallback: 'there', start: 0, end: 24 }]);
  });

  it('keeps single braces as text', () => {
    expect(parseTemplate('a { b } c').errors).toEqual([]);
    expect(text('price {5}')).toBe('price {5}');
  });

  it.each([
    ['Hi {{first_name', 'unclosed-variable', 3, 15],
    ['Hi {{}}', 'empty-variable', 3, 7],
    ['Hi {{ | there}}', 'empty-variable', 3, 15],
    ['Hi {{First Name}}', 'invalid-name', 3, 17],
    ['Hi {{a.b.c}}', 'invalid-name', 3, 12],
    ['Hi first_name}}', 'stray-close', 13, 15],
    ['Hi {{first {{name}}', 'nested-open', 3, 13],
  ])('flags %j as %s at its position', (source, code, start, end) => {
    const { errors } = parseTemplate(source);
    expect(errors[0]).toMatchObject({ code, start, end });
  });

  it('keeps malformed pieces as literal text so a preview shows what was written', () => {
    expect(text('Hi {{first_name')).toBe('Hi {{first_name');
    expect(text('Hi {{first {{name}}')).toBe('Hi {{first Maya Thompson');
  });
});

describe('validateTemplate', () => {
  it('accepts every built-in variable, custom attributes and fallbacks', () => {
    const all = '{{first_name}} {{last_name}} {{name}} {{company}} {{email}} {{phone}} {{agent.name}} {{agent.first_name}} {{agent.email}} {{conversation.id}} {{conversation.channel}} {{workspace.name}} {{attributes.plan}} {{first_name|there}}';
    expect(validateTemplate(all)).toEqual([]);
  });

  it('flags an unknown variable with its position and a suggestion', () => {
    const problems = validateTemplate('Hello {{frist_name}}');
    expect(problems).toEqual([{ code: 'unknown-variable', start: 6, end: 20, message: 'unknown variable "frist_name": did you mean "first_name"?' }]);
  });

  it('suggests the attributes namespace for an unknown bare name', () => {
    expect(validateTemplate('{{plan}}')[0]?.message).toContain('did you mean "attributes.plan"');
    expect(isKnownVariable('plan')).toBe(false);
    expect(isKnownVariable('attributes.plan')).toBe(true);
    expect(isKnownVariable('agent.plan')).toBe(false);
  });

  it('reports syntax and unknown-variable problems in source order with lines and columns', () => {
    const source = 'Hi {{nme}}\nThanks {{first_name';
    const problems = validateTemplate(source);
    expect(problems.map((p) => p.code)).toEqual(['unknown-variable', 'unclosed-variable']);
    expect(describeProblems(source, problems)).toEqual([
      'line 1, column 4: unknown variable "nme": did you mean "name"?',
      'line 2, column 8: "{{" is never closed with "}}"',
    ]);
  });
});

describe('renderTemplate', () => {
  it('fills contact fields, splitting the full name when there is no first or last name', () => {
    expect(text('{{first_name}}|{{last_name}}|{{name}}|{{company}}|{{email}}|{{phone}}')).toBe('Maya|Thompson|Maya Thompson|Thompson Outdoor|maya@example.com|+1 555 0100');
  });

  it('prefers the profile’s own first and last names', () => {
    const ctx = { contact: { name: 'Dr. M. Thompson', firstName: 'Maya', lastName: 'Thompson' } };
    expect(text('{{first_name}} {{last_name}} / {{name}}', ctx)).toBe('Maya Thompson / Dr. M. Thompson');
    expect(text('{{name}}', { contact: { firstName: 'Maya', lastName: 'T' } })).toBe('Maya T');
  });

  it('fills agent, conversation and workspace fields', () => {
    expect(text('{{agent.name}}, {{agent.first_name}} {{agent.last_name}} <{{agent.email}}> {{conversation.id}} {{conversation.channel}} {{workspace.name}}')).toBe(
      'Dana Reyes, Dana Reyes <dana@example.com> c1 webchat Acme Support',
    );
  });

  it('fills custom attributes of any plain type', () => {
    expect(text('{{attributes.plan}} {{attributes.seats}} {{attributes.vip}}')).toBe('Pro 12 true');
  });

  it('uses the fallback only when the value is missing or empty', () => {
    expect(text('Hi {{first_name|there}}')).toBe('Hi Maya');
    expect(text('Hi {{first_name|there}}', { contact: {} })).toBe('Hi there');
    expect(text('{{attributes.empty|n/a}} {{attributes.none|n/a}}')).toBe('n/a n/a');
    expect(text('Hi {{first_name|there}}', { contact: { name: '   ' } })).toBe('Hi there');
  });

  it('renders a missing value without fallback as empty and reports it (the "variables not filling" pitfall)', () => {
    const r = renderTemplate('Hi {{first_name}}, your plan is {{attributes.plan}}.', { contact: {} });
    expect(r.text).toBe('Hi , your plan is .');
    expect(r.empty).toEqual(['first_name', 'attributes.plan']);
    expect(r.segments.filter((s) => s.kind === 'empty').map((s) => s.kind === 'empty' && s.name)).toEqual(['first_name', 'attributes.plan']);
  });

  it('marks values and fallbacks as such for the preview', () => {
    const r = renderTemplate('{{first_name}} {{company|your team}}', { contact: { name: 'Maya' } });
    expect(r.segments).toEqual([
      { kind: 'value', name: 'first_name', text: 'Maya' },
      { kind: 'text', text: ' ' },
      { kind: 'fallback', name: 'company', text: 'your team' },
    ]);
  });

  it('never lets a value inject template syntax: values are not parsed again', () => {
    const ctx = { contact: { name: '{{agent.email}} {{first_name', company: '}}' }, agent: { email: 'secret@example.com' } };
    expect(text('Hi {{name}} at {{company}}', ctx)).toBe('Hi {{agent.email}} {{first_name at }}');
  });

  it('keeps unknown variables typed by hand as written', () => {
    const r = renderTemplate('see {{wat|x}} and {{first_name}}', maya);
    expect(r.text).toBe('see {{wat|x}} and Maya');
    expect(r.segments[1]).toMatchObject({ kind: 'unknown', name: 'wat' });
  });

  it('lists each name that is not a variable once, in order', () => {
    const r = renderTemplate('{{contact.first_name}}, {{wat}} and {{contact.first_name|there}} {{name}}', maya);
    expect(r.unknown).toEqual(['contact.first_name', 'wat']);
    expect(renderTemplate('{{first_name}} {{company}}', maya).unknown).toEqual([]);
  });

  it('suggests the variable meant by names written as other tools write them', () => {
    expect(suggestVariable('contact.first_name')).toBe('first_name');
    expect(suggestVariable('customer.email')).toBe('email');
    expect(suggestVariable('firstName')).toBe('first_name');
    expect(suggestVariable('FIRST_NAME')).toBe('first_name');
    expect(suggestVariable('agent.firstName')).toBe('agent.first_name');
    expect(suggestVariable('contact.shoe_size')).toBeNull();
  });

  it('resolves unknown names to empty and does not read inherited attribute keys', () => {
    expect(resolveVariable('nope', maya)).toBe('');
    expect(resolveVariable('attributes.constructor', { contact: { attributes: {} } })).toBe('');
  });
});

describe('escaping and the rich format', () => {
  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('renders bold, italic, links, lists and paragraphs as HTML', () => {
    const source = 'Hi **{{first_name}}**, *thanks*!\nSee [our policy](https://acme.test/returns).\n\n- one\n- two\n\n1. first\n2. second';
    expect(renderRichHtml(source, maya)).toBe(
      '<p>Hi <strong>Maya</strong>, <em>thanks</em>!<br>See <a href="https://acme.test/returns">our policy</a>.</p>\n<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>',
    );
  });

  it('a contact name can never inject HTML, formatting or links into the HTML body', () => {
    const ctx = { contact: { name: '<img src=x onerror=alert(1)> **bold** [x](https://evil.test)' } };
    expect(renderRichHtml('Hi {{name}}', ctx)).toBe('<p>Hi &lt;img src=x onerror=alert(1)&gt; **bold** [x](https://evil.test)</p>');
  });

  it('renders a link with an unsafe target after filling in as plain text', () => {
    expect(renderRichHtml('[click]({{attributes.url}})', { contact: { attributes: { url: 'javascript:alert(1)' } } })).toBe('<p>click</p>');
    expect(renderRichHtml('[click](javascript:alert(1))')).toBe('<p>[click](javascript:alert(1))</p>');
    expect(renderRichHtml('[mail us](mailto:help@acme.test)')).toBe('<p><a href="mailto:help@acme.test">mail us</a></p>');
  });

  it('treats variables as atomic: markers inside a fallback are not formatting', () => {
    expect(parseRichText('{{first_name|*friend*}} *hi*')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '{{first_name|*friend*}} ' }, { type: 'italic', children: [{ type: 'text', text: 'hi' }] }] },
    ]);
    expect(renderRichHtml('{{first_name|*friend*}}', { contact: {} })).toBe('<p>*friend*</p>');
  });

  it('renders a plain-text alternative and WhatsApp markers', () => {
    const source = 'Hi **{{first_name}}**, *thanks*!\n\n- [Returns](https://acme.test/r)\n- mail [help@acme.test](mailto:help@acme.test)';
    expect(renderRichPlain(source, maya)).toBe('Hi Maya, thanks!\n\n• Returns (https://acme.test/r)\n• mail help@acme.test');
    expect(renderRichWhatsApp(source, maya)).toBe('Hi *Maya*, _thanks_!\n\n• Returns (https://acme.test/r)\n• mail help@acme.test');
  });

  it('leaves lone asterisks and unmatched markers as text', () => {
    expect(renderRichPlain('2 * 3 = 6 and **not closed')).toBe('2 * 3 = 6 and **not closed');
  });
});
