/**
 * Root types of the workspace settings document (`<ws>/settings`), written by admins and leads.
 *
 *   workspace  Y.Map  name and other plain settings (plain JSON values)
 */
export const SETTINGS_ROOTS = { workspace: 'workspace' } as const;
