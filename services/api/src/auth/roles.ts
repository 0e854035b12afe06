/** A person's role in one tenant. */
export const userRoles = ['agency_admin', 'moderator', 'viewer'] as const
/** What an API key may do in its tenant. */
export const apiKeyRoles = ['integration', 'viewer', 'moderator'] as const
export type UserRole = typeof userRoles[number]
export type ApiKeyRole = typeof apiKeyRoles[number]
export type Role = UserRole | ApiKeyRole

export const permissions = [
  'tickets.read',
  'tickets.act',
  'corrections.write',
  'events.read',
  'policies.write',
  'templates.write',
  'sources.read',
  'api_keys.manage',
  'users.manage',
  'webhooks.manage',
] as const
export type Permission = typeof permissions[number]

const read: Permission[] = ['tickets.read', 'events.read', 'sources.read']

/** viewer reads; moderator reads and acts on tickets and labels; agency_admin everything; integration reads and follows events. */
export const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(read),
  integration: new Set(read),
  moderator: new Set<Permission>([...read, 'tickets.act', 'corrections.write']),
  agency_admin: new Set(permissions),
}

export function roleAllows (role: Role, permission: Permission): boolean {
  return rolePermissions[role].has(permission)
}
