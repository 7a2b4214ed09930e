import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { PermissionDeniedError } from '@mig-data/domain';
import { ROLES, RPC_ROLES, type Role } from './rpc-roles';

/** Who is calling, as the access log and the role check see it. */
export interface Caller {
  /** The roles the caller holds: one, from its certificate; all of them when callers are not identified. */
  roles: ReadonlySet<Role>;
  /** For logs: the role, or "local" when callers are not identified. */
  role: string;
  /** For logs: the certificate's subject (CN=..., OU=...), or "" without a client certificate. */
  subject: string;
}

/**
 * How callers are identified: by their client certificate under mutual TLS, and not at all
 * otherwise. Without client certificates the service listens on loopback only (transport.ts), so
 * a caller is a process on this machine, and every such process gets every role: the one-command
 * laptop start and the tests run so. There is nothing to tell callers apart by.
 */
export type CallerIdentification = 'client-certificate' | 'none';

const EVERY_ROLE: ReadonlySet<Role> = new Set(ROLES);
const NO_ROLE: ReadonlySet<Role> = new Set();

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The caller of `call`. Under mutual TLS, grpc-js has already refused any caller without a
 * certificate from the configured CA, valid today; the role is the certificate subject's
 * organizational unit (OU=scheduler, api, readonly or admin), the common name naming the caller.
 */
export function callerOf(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, identification: CallerIdentification): Caller {
  if (identification === 'none') return { roles: EVERY_ROLE, role: 'local', subject: '' };
  const certificate = call.getAuthContext().sslPeerCertificate;
  if (!certificate) return { roles: NO_ROLE, role: 'none', subject: '' };
  const { CN, OU } = certificate.subject ?? {};
  const subject = [CN === undefined ? '' : `CN=${[CN].flat().join('+')}`, OU === undefined ? '' : `OU=${[OU].flat().join('+')}`].filter(Boolean).join(', ');
  const ou = firstValue(OU);
  const single = Array.isArray(OU) ? OU.length === 1 : true;
  const role = single && (ROLES as readonly string[]).includes(ou ?? '') ? (ou as Role) : undefined;
  return role ? { roles: new Set([role]), role, subject } : { roles: NO_ROLE, role: 'none', subject };
}

/** Refuses the call PERMISSION_DENIED unless the caller holds a role allowed to call `method` (a path without its leading slash). */
export function requireRole(method: string, caller: Caller): void {
  const allowed = RPC_ROLES[method] ?? [];
  if (allowed.some((role) => caller.roles.has(role))) return;
  const who = caller.roles.size === 0 ? `a certificate whose subject (${caller.subject}) names no role: its OU must be one of ${ROLES.join(', ')}` : `role ${caller.role} (${caller.subject})`;
  throw new PermissionDeniedError(`${method} is for the ${allowed.join(', ') || 'no'} role${allowed.length === 1 ? '' : 's'}; this caller has ${who}`);
}
