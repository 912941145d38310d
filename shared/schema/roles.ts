/** Roles of a workspace member, from most to least powerful. */
export const ROLES = ['admin', 'lead', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Admins and leads manage settings, reassign conversations and set others Offline. */
export const canManage = (role: Role) => role === 'admin' || role === 'lead';
