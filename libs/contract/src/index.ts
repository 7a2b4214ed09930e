// The public face of the generated contract: messages, service definitions and clients.
export * from './generated/google/protobuf/struct';
export * from './generated/google/protobuf/timestamp';
export * from './generated/mig/data/v1/agent';
export * from './generated/mig/data/v1/action';
export * from './generated/mig/data/v1/command';
export * from './generated/mig/data/v1/agent_service';
export * from './generated/mig/data/v1/action_service';
export * from './generated/mig/data/v1/command_service';
export * from './generated/google/protobuf/duration';
export * from './generated/mig/data/v1/fleet';
export * from './generated/mig/data/v1/fleet_service';
export * from './generated/mig/data/v1/search_service';
export * from './generated/mig/data/v1/investigator';
export * from './generated/mig/data/v1/investigator_service';
export * from './generated/mig/data/v1/permission';
export * from './generated/mig/data/v1/permission_service';
export { readDescriptorSet } from './descriptor-set';
