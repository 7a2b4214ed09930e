export * from './create-test-database';
export * from './data-service-process';
export * from './test-cluster';
