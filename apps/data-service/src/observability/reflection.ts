import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { readDescriptorSet } from '@mig-data/contract';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/**
 * Server reflection, grpc.reflection.v1 and v1alpha (@grpc/reflection, the grpc-js project's),
 * answered from the descriptor set `buf build` made of proto/ (libs/contract), so grpcurl and other
 * stock clients list and call the services without the .proto files; grpc.health.v1 is described
 * too (from the health.proto grpc-health-check ships), so `grpcurl describe` works on it as well.
 */
export function addReflection(server: Server): void {
  const described = { ...loadFileDescriptorSetFromBuffer(readDescriptorSet()), ...loadSync(healthProtoPath) };
  new ReflectionService(described).addToServer(server);
}
