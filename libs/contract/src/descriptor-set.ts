import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The FileDescriptorSet of every file in proto/ and the files it imports, as `buf build` wrote it
 * during `nx run contract:generate` (never committed). Server reflection answers from it, so a stock
 * client (grpcurl, Postman) can call the service without the .proto files. The same path works from
 * src/ and from dist/: both sit beside src/generated.
 */
export function readDescriptorSet(): Buffer {
  return readFileSync(join(__dirname, '..', 'src', 'generated', 'mig-data.binpb'));
}
