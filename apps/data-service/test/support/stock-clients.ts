import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, type Client, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/**
 * Clients as an operator's tools build them: from the published health.proto (shipped by
 * grpc-health-check) and reflection.proto (shipped by @grpc/reflection), loaded with
 * @grpc/proto-loader: nothing from this repository's own code.
 */
const LOAD_OPTIONS = { keepCase: true, enums: String, longs: Number, defaults: true, oneofs: true };

type Callback<T> = (error: ServiceError | null, response: T) => void;
interface HealthClient extends Client {
  check(request: { service: string }, options: { deadline: number }, callback: Callback<{ status: string }>): void;
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
}

export function healthClient(address: string): HealthClient {
  const health = loadPackageDefinition(loadSync(healthProtoPath, LOAD_OPTIONS)) as unknown as { grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient } } } };
  return new health.grpc.health.v1.Health(address, credentials.createInsecure());
}

/** Check's answer: the status, or the gRPC code name of the failure. */
export function checkHealth(client: HealthClient, service = ''): Promise<string> {
  return new Promise((resolve) =>
    client.check({ service }, { deadline: Date.now() + 3000 }, (error, response) => resolve(error ? `code ${error.code}` : response.status)),
  );
}

export type ReflectionVersion = 'v1' | 'v1alpha';
interface ReflectionResponse {
  error_response?: { error_code: number; error_message: string };
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}
interface ReflectionClient extends Client {
  ServerReflectionInfo(): ClientDuplexStream<Record<string, string>, ReflectionResponse>;
}

export function reflectionClient(address: string, version: ReflectionVersion): ReflectionClient {
  const protoFile = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection', version, 'reflection.proto');
  const loaded = loadPackageDefinition(loadSync(protoFile, LOAD_OPTIONS)) as unknown as { grpc: { reflection: Record<string, { ServerReflection: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => ReflectionClient }> } };
  return new loaded.grpc.reflection[version].ServerReflection(address, credentials.createInsecure());
}

/** One request on the reflection stream, its one answer. */
export function askReflection(client: ReflectionClient, request: Record<string, string>): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo();
    stream.once('data', (response: ReflectionResponse) => {
      resolve(response);
      stream.end();
    });
    stream.once('error', reject);
    stream.write(request);
  });
}

/** FileDescriptorProto bytes wrapped as a FileDescriptorSet (field 1, repeated, length-delimited). */
export function descriptorSetOf(files: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const length: number[] = [];
    for (let n = file.length; ; n >>>= 7) {
      if (n < 0x80) {
        length.push(n);
        break;
      }
      length.push((n & 0x7f) | 0x80);
    }
    parts.push(Buffer.from([0x0a, ...length]), file);
  }
  return Buffer.concat(parts);
}
