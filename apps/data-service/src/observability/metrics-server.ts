import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger';

export interface MetricsServer {
  /** host:port actually listened on. */
  address: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` in Prometheus' text format on its own host:port, apart from the gRPC port. */
export async function listenForScrapes(listenAddress: string, registry: Registry, logger: Logger): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error('metrics could not be collected', { error: String(error) });
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected; the service log has the cause\n');
      },
    );
  });
  const colon = listenAddress.lastIndexOf(':');
  const host = listenAddress.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(listenAddress.slice(colon + 1)), host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = `${listenAddress.slice(0, colon)}:${port}`;
  logger.info('serving metrics', { address, path: '/metrics' });
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
