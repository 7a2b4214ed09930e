export * from './promise-client';
export * from './connect-data-service';
export * from './tls-files';
export * from './action-file-message';
export * from './service-failure-message';
export * from './all-pages';
