import type { status } from '@grpc/grpc-js';

/**
 * Told of every call (unary or streamed) when it ends, by `rpcHandlers`: what metrics (and
 * anything else that watches calls) hook into, each as its own observer, without touching the
 * handlers' logic.
 */
export interface CallObserver {
  /** `method` is `package.Service/RpcName` as proto/ spells it; `seconds` from the call's arrival to its answer. */
  callEnded(method: string, code: status, seconds: number): void;
}
