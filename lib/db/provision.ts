// Provisioning (a database and its four roles) is the isolation kit's (@bulkhead/tenancy/admin);
// this module keeps the scripts' import path.
export {
  dropDatabase,
  dropRoles,
  provisionDatabase,
  urlFor,
  type DatabaseUrls,
  type ProvisionedDatabase,
  type ProvisionOptions,
} from '@bulkhead/tenancy/admin';
