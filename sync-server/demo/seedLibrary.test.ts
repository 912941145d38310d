import { describe, expect, it } from 'vitest';
import { CannedResponseSchema, QuickReplySchema } from '../../shared/schema/settings.ts';
import { DEMO_CANNED_RESPONSES, DEMO_QUICK_REPLIES } from './seed.ts';

describe('demo quick replies and canned responses', () => {
  it('SET2: every seeded entry passes the schema and template validation clients are held to', () => {
    for (const r of DEMO_QUICK_REPLIES) expect(QuickReplySchema.safeParse(r).success, r.id).toBe(true);
    for (const c of DEMO_CANNED_RESPONSES) expect(CannedResponseSchema.safeParse(c).success, c.id).toBe(true);
    expect(new Set(DEMO_QUICK_REPLIES.map((r) => r.shortcut)).size).toBe(DEMO_QUICK_REPLIES.length);
  });
});
