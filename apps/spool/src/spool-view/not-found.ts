import { status } from '@grpc/grpc-js';
import { hasCode } from '../daemon/service-errors';

/** The call's answer, or undefined when the service says NOT_FOUND (any other failure is thrown). */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (hasCode(error, status.NOT_FOUND)) return undefined;
    throw error;
  }
}
