import { describe, expect, it } from 'vitest';
import { parseRoute } from './router.ts';

describe('routes', () => {
  it('parses the inbox, a conversation and the settings sections', () => {
    expect(parseRoute('/')).toEqual({ name: 'inbox' });
    expect(parseRoute('/c/abc_1')).toEqual({ name: 'conversation', id: 'abc_1' });
    expect(parseRoute('/settings/quick-replies')).toEqual({ name: 'settings', section: 'quick-replies', path: '/settings/quick-replies' });
    expect(parseRoute('/settings/canned-responses/')).toEqual({ name: 'settings', section: 'canned-responses', path: '/settings/canned-responses' });
  });

  it('sends /settings to its first section and unknown sections nowhere', () => {
    expect(parseRoute('/settings')).toEqual({ name: 'settings', section: 'quick-replies', path: '/settings/quick-replies' });
    expect(parseRoute('/settings/billing')).toEqual({ name: 'not-found' });
  });
});
