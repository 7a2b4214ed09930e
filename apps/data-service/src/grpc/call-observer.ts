import type { status } from '@grpc/grpc-js';

/**
 * Told of every call (unary or streamed) when it ends, by `rpcHandlers`: what metrics (and
 * anything else that watches calls) hook into, each as its own observer, without touching the
 * handlers' logic.
 */
export interface CallObserver {
  /**
   * `method` is `package.Service/RpcName` as proto/ spells it; `kind` whether it answers once or
   * streams (go-grpc-prometheus's grpc_type values); `seconds` from the call's arrival to its
   * answer, or to a stream's end.
   */
  callEnded(method: string, kind: CallKind, code: status, seconds: number): void;
}

export type CallKind = 'unary' | 'server_stream';
