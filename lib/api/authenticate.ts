import { API_KEY_SHAPE, hashApiKey } from '../api-keys/service';
import { canWithKey, type Permission } from '../auth/permissions';
import { DEMO_KEY_PREFIX, demoApiKeysAccepted } from '../demo';
import { AppError } from '../errors';
import { apiKeyForHash, type ApiKeyRecord } from '../tenancy/definer-functions';

// Who is calling: the bearer key → its tenant (through the isolation core's definer function),
// then whether this key may do this. The key is the only thing a request says about its tenant:
// no header, path or body field can name another one.

export type ApiCaller = ApiKeyRecord & { creatorRole: NonNullable<ApiKeyRecord['creatorRole']> };

const UNAUTHORIZED = 'Send a valid API key as "Authorization: Bearer bk_live_…". Owners and admins create keys under Settings → API keys.';

export interface PresentedKey {
  /** The sha256 of the bearer key, or undefined for a string that cannot be a key at all. */
  hash: string | undefined;
  /** A demo key (`bk_demo_…`): valid only where demo keys are accepted (lib/demo.ts). */
  demo: boolean;
}

/** The bearer key of the request (hashed; junk is recognised without hashing). Throws 401 without one. */
export function presentedKey(request: Request): PresentedKey {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new AppError('unauthorized', header ? `Malformed Authorization header. ${UNAUTHORIZED}` : `Missing API key. ${UNAUTHORIZED}`);
  const key = match[1]!;
  return { hash: API_KEY_SHAPE.test(key) ? hashApiKey(key) : undefined, demo: key.startsWith(DEMO_KEY_PREFIX) };
}

export async function authenticate(request: Request, key: PresentedKey = presentedKey(request)): Promise<ApiCaller> {
  // No lookup for junk, nor for a public demo key where demo keys are not accepted.
  if (key.demo && !demoApiKeysAccepted()) {
    throw new AppError('unauthorized', `Demo API keys work only on a demo deployment. ${UNAUTHORIZED}`);
  }
  const record = key.hash ? await apiKeyForHash(key.hash) : undefined;
  if (!record) throw new AppError('unauthorized', `This API key is not valid or has been revoked. ${UNAUTHORIZED}`);
  if (!record.creatorRole) {
    throw new AppError(
      'unauthorized',
      'The member who created this API key has left the workspace, so the key no longer works. Create a new key.',
    );
  }
  if (record.tenantStatus !== 'active')
    throw new AppError('forbidden', `This workspace is ${record.tenantStatus}; its API is unavailable.`);
  return { ...record, creatorRole: record.creatorRole };
}

export function authorize(caller: ApiCaller, permission: Permission): void {
  if (canWithKey(caller.scope, caller.creatorRole, permission)) return;
  throw new AppError(
    'forbidden',
    caller.scope === 'read' &&
      !canWithKey('read', caller.creatorRole, permission) &&
      canWithKey('read_write', caller.creatorRole, permission)
      ? `This API key is read-only; ${permission} needs a read-write key.`
      : `This API key cannot ${permission}: its scope or its creator's role does not allow it.`,
  );
}
