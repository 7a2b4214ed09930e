import { Metadata, type CallOptions, type Client, type ClientUnaryCall, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';

type UnaryCallback<Response> = (error: ServiceError | null, response: Response) => void;
type UnaryClientMethod<Request, Response> = (request: Request, metadata: Metadata, options: Partial<CallOptions>, callback: UnaryCallback<Response>) => ClientUnaryCall;

export interface CallSettings {
  /** Milliseconds before the call fails with DEADLINE_EXCEEDED (default: the client's). */
  timeoutMs?: number;
  metadata?: Metadata;
}

/** A generated grpc-js client with each unary method as `(request) => Promise<response>`. */
// (`any` in the filter: a method's callback takes its own response type, which `never` would reject.)
export type PromiseClient<GeneratedClient> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [Name in keyof GeneratedClient as GeneratedClient[Name] extends UnaryClientMethod<any, any> ? Name : never]: GeneratedClient[Name] extends UnaryClientMethod<infer Request, infer Response>
    ? (request: Request, settings?: CallSettings) => Promise<Response>
    : never;
};

/** Wraps every method of `definition` on `client`; failures reject with the grpc-js ServiceError (code, details). */
export function promiseClient<GeneratedClient extends Client>(client: GeneratedClient, definition: ServiceDefinition, defaultTimeoutMs: number): PromiseClient<GeneratedClient> {
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.keys(definition)) {
    const method = (client as unknown as Record<string, UnaryClientMethod<unknown, unknown>>)[name].bind(client);
    wrapped[name] = (request: unknown, settings: CallSettings = {}) =>
      new Promise((resolve, reject) => {
        const deadline = new Date(Date.now() + (settings.timeoutMs ?? defaultTimeoutMs));
        method(request, settings.metadata ?? new Metadata(), { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
      });
  }
  return wrapped as PromiseClient<GeneratedClient>;
}
