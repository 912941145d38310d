import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../shared/templates/renderTemplate.ts';
import { finalText, previewLabel } from './Composer.tsx';

const ada = { contact: { name: 'Ada Lovelace' } };

describe('the composer preview heading', () => {
  it('names a variable that is not one, with the one probably meant, before anything else', () => {
    const rendered = renderTemplate('Hi {{contact.first_name}}, {{company}}', ada);
    expect(previewLabel(rendered)).toBe('Not a variable: {{contact.first_name}} (did you mean {{first_name}}?). The contact will see it as typed');
  });

  it('names several, without a suggestion where none is close', () => {
    expect(previewLabel(renderTemplate('{{contact.shoe_size}} {{frist_name}}', ada))).toBe(
      'Not variables: {{contact.shoe_size}}, {{frist_name}} (did you mean {{first_name}}?). The contact will see them as typed',
    );
  });

  it('counts empty variables, or says what the contact receives', () => {
    expect(previewLabel(renderTemplate('Hi {{first_name}} from {{company}}', ada))).toBe('Preview: 1 variable is empty for this contact');
    expect(previewLabel(renderTemplate('Hi {{first_name}}', ada))).toBe('Preview: what the contact will receive');
  });

  it('sends a name that is not a variable as typed, and fills in the ones that are', () => {
    expect(finalText('Hi {{contact.first_name}} / {{first_name}}', 'message', false, 'webchat', ada)).toBe('Hi {{contact.first_name}} / Ada');
  });
});
