// lib/auth's public face for the domains (lib/<domain>): hashing passwords and link tokens, the
// abuse limits of forms that send mail, the workspace-address rules and the actor-vs-target rules
// of memberships. The rest of lib/auth (sessions, Auth.js, the entry wrappers, throttles,
// two-factor) is its own; pages, components and the other entry points import those modules
// directly. Lint holds domains to this module (eslint.config.mjs, "Layers").
export { mailFormAttempt, tooManyRequestsMessage } from './abuse-limits';
export { hashPassword, verifyPassword } from './password';
export { removalRefusal, roleChangeRefusal } from './rules';
export { slugify, slugSchema } from './slug';
export { hashToken, isTokenShaped, newToken } from './tokens';
