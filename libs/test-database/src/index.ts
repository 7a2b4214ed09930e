export * from './create-test-database';
export * from './test-cluster';
