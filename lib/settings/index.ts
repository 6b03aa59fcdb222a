// What lib/settings offers the other domains: the workspace's settings, read once per render, and
// the time zone its reports are cut in. Pages and entry points import the service modules directly.
// Lint holds domains to this module (eslint.config.mjs, "Layers").
export { tenantSettings } from './service';
export { reportingTimeZone } from './time-zones';
