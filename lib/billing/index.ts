// What lib/billing offers the other domains: the quota check a write runs inside its own
// transaction. Plans, usage, reports and the plan provider are billing's own; pages and entry points
// import those modules directly. Lint holds domains to this module (eslint.config.mjs, "Layers").
export { assertQuota, tierRefusal, type QuotaKind } from './plans';
