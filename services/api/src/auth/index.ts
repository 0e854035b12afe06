export { authenticate, type Authenticator, createAuthenticator, sessionCookie } from './authenticate.js'
export { authorize, type Principal, requirePrincipal, tenantsAllowing } from './principal.js'
export { type ApiKeyRole, apiKeyRoles, type Permission, permissions, type Role, roleAllows, type UserRole, userRoles } from './roles.js'
