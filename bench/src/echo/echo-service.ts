import type { ServiceDefinition } from '@grpc/grpc-js';

const passBytes = (bytes: Buffer): Buffer => bytes;

/**
 * A hand-made grpc-js service with one unary method that returns the request's bytes: no proto,
 * no (de)serialisation, no work. What grpc-js itself costs per call over loopback, the floor
 * under every RPC of the data service.
 */
export const ECHO_SERVICE: ServiceDefinition = {
  echo: {
    path: '/mig.bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: passBytes,
    requestDeserialize: passBytes,
    responseSerialize: passBytes,
    responseDeserialize: passBytes,
  },
};
