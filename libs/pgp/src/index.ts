export * from './go-json';
export * from './canonical-string';
export * from './armor';
export * from './read-key';
export * from './sign';
export * from './sign-action-file';
export * from './verify';
export * from './generate-key';
