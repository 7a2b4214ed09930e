import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { ECHO_SERVICE } from './echo-service';

export interface EchoClient {
  echo(bytes: Buffer): Promise<Buffer>;
  close(): void;
}

/** Calls carry a deadline and metadata like the data service's promise clients, so both pay the same client-side costs. */
export function connectEcho(address: string, timeoutMs = 60_000): EchoClient {
  const client = new Client(address, credentials.createInsecure());
  const { path, requestSerialize, responseDeserialize } = ECHO_SERVICE.echo;
  return {
    echo: (bytes) =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(
          path,
          requestSerialize,
          responseDeserialize,
          bytes,
          new Metadata(),
          { deadline: new Date(Date.now() + timeoutMs) },
          (error: ServiceError | null, response?: Buffer) => (error ? reject(error) : resolve(response as Buffer)),
        ),
      ),
    close: () => client.close(),
  };
}
