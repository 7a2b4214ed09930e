import { Metadata, type CallOptions, type Client, type ClientReadableStream, type ClientUnaryCall, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';

type UnaryCallback<Response> = (error: ServiceError | null, response: Response) => void;
type UnaryClientMethod<Request, Response> = (request: Request, metadata: Metadata, options: Partial<CallOptions>, callback: UnaryCallback<Response>) => ClientUnaryCall;
type StreamClientMethod<Request, Response> = (request: Request, metadata?: Metadata, options?: Partial<CallOptions>) => ClientReadableStream<Response>;

export interface CallSettings {
  /** Milliseconds before the call fails with DEADLINE_EXCEEDED (default: the client's); for a stream, its whole length. */
  timeoutMs?: number;
  metadata?: Metadata;
}

/**
 * A generated grpc-js client with each unary method as `(request) => Promise<response>` and each
 * server-streaming method as `(request) => AsyncIterable<message>` (read with `for await`).
 */
// (`any` in the filter: a method's callback takes its own response type, which `never` would reject.
// Streams are matched first: a stream method's signature would also pass for a unary one without its callback.)
export type PromiseClient<GeneratedClient> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [Name in keyof GeneratedClient as GeneratedClient[Name] extends UnaryClientMethod<any, any> | StreamClientMethod<any, any> ? Name : never]: GeneratedClient[Name] extends StreamClientMethod<
    infer Request,
    infer Response
  >
    ? (request: Request, settings?: CallSettings) => AsyncIterable<Response>
    : GeneratedClient[Name] extends UnaryClientMethod<infer Request, infer Response>
      ? (request: Request, settings?: CallSettings) => Promise<Response>
      : never;
};

/**
 * Wraps every method of `definition` on `client`; failures reject (or end the iteration) with the
 * grpc-js ServiceError (code, details). Leaving a stream's `for await` early (break, throw)
 * cancels the call, which stops the service's work and its query.
 */
export function promiseClient<GeneratedClient extends Client>(client: GeneratedClient, definition: ServiceDefinition, defaultTimeoutMs: number): PromiseClient<GeneratedClient> {
  const wrapped: Record<string, unknown> = {};
  const deadlineOf = (settings: CallSettings) => new Date(Date.now() + (settings.timeoutMs ?? defaultTimeoutMs));
  for (const [name, method] of Object.entries(definition)) {
    if (method.responseStream) {
      const open = (client as unknown as Record<string, StreamClientMethod<unknown, unknown>>)[name].bind(client);
      wrapped[name] = (request: unknown, settings: CallSettings = {}) => messagesOf(() => open(request, settings.metadata ?? new Metadata(), { deadline: deadlineOf(settings) }));
      continue;
    }
    const call = (client as unknown as Record<string, UnaryClientMethod<unknown, unknown>>)[name].bind(client);
    wrapped[name] = (request: unknown, settings: CallSettings = {}) =>
      new Promise((resolve, reject) => {
        call(request, settings.metadata ?? new Metadata(), { deadline: deadlineOf(settings) }, (error, response) => (error ? reject(error) : resolve(response)));
      });
  }
  return wrapped as PromiseClient<GeneratedClient>;
}

/** The call's messages; the call starts at the first read and is cancelled if the reader leaves early. */
async function* messagesOf<Response>(open: () => ClientReadableStream<Response>): AsyncGenerator<Response> {
  const call = open();
  let ended = false;
  try {
    for await (const message of call) yield message as Response;
    ended = true;
  } finally {
    if (!ended) call.cancel();
  }
}
