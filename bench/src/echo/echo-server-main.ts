import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ECHO_SERVICE } from './echo-service';

// Started by the bench as its own process (like the data service), on a free loopback port.
const server = new Server();
server.addService(ECHO_SERVICE, {
  echo: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => callback(null, call.request),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(`echo server cannot listen: ${error.message}`);
    process.exit(1);
  }
  console.error(`echo server listening on 127.0.0.1:${port}`);
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
