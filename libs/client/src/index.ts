export * from './promise-client';
export * from './connect-data-service';
export * from './tls-files';
