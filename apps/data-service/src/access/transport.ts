import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import type { CallerIdentification } from './caller';

export interface TransportSettings {
  listenAddress: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFile?: string;
  allowInsecureListen: boolean;
}

export interface Transport {
  credentials: ServerCredentials;
  identification: CallerIdentification;
  /** For the start-up log. */
  description: string;
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(listenAddress: string): boolean {
  const host = listenAddress.slice(0, listenAddress.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The server's credentials. With a client CA, mutual TLS: grpc-js refuses, during the handshake,
 * any caller without a certificate from that CA valid today, and each caller's role comes from its
 * certificate. Without one, callers are not told apart (TLS alone only encrypts), so the service
 * may listen on loopback only unless the operator explicitly allows more.
 */
export function serverTransport(settings: TransportSettings): Transport {
  const mutual = settings.tlsClientCaFile !== undefined;
  if (!mutual && !isLoopback(settings.listenAddress) && !settings.allowInsecureListen) {
    throw new Error(
      `refusing to listen on ${settings.listenAddress} without mutual TLS: any process that reaches it could register investigators and run actions on the fleet. ` +
        'Set MIG_DATA_TLS_CERT, MIG_DATA_TLS_KEY and MIG_DATA_TLS_CLIENT_CA (node tools/make-dev-certificates.js makes throwaway ones), ' +
        'listen on 127.0.0.1, or set MIG_DATA_ALLOW_INSECURE_LISTEN=true to accept every caller as every role',
    );
  }
  if (settings.tlsCertFile === undefined || settings.tlsKeyFile === undefined) {
    return {
      credentials: ServerCredentials.createInsecure(),
      identification: 'none',
      description: isLoopback(settings.listenAddress) ? 'no TLS: loopback only, every local caller has every role' : 'no TLS and NOT loopback (MIG_DATA_ALLOW_INSECURE_LISTEN): every caller has every role',
    };
  }
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read the ${what} ${file}: ${(error as Error).message}`);
    }
  };
  const keyCertPair = { cert_chain: read(settings.tlsCertFile, 'server certificate (MIG_DATA_TLS_CERT)'), private_key: read(settings.tlsKeyFile, 'server key (MIG_DATA_TLS_KEY)') };
  if (!mutual) {
    return { credentials: ServerCredentials.createSsl(null, [keyCertPair], false), identification: 'none', description: 'TLS without client certificates: every caller has every role' };
  }
  const clientCa = read(settings.tlsClientCaFile!, 'client CA (MIG_DATA_TLS_CLIENT_CA)');
  return { credentials: ServerCredentials.createSsl(clientCa, [keyCertPair], true), identification: 'client-certificate', description: 'mutual TLS: role from the client certificate subject OU' };
}
