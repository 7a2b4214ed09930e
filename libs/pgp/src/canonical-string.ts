import type { Action } from '@mig-data/domain';
import { goOperationsJson } from './go-json';

/** What a signature covers: the rest of an action may change without invalidating it. */
export type SignableAction = Pick<Action, 'name' | 'target' | 'validfrom' | 'expireafter' | 'operations'>;

function unixSeconds(time: Date): number {
  return Math.floor(time.getTime() / 1000);
}

/**
 * The exact string every MIG signature is made over (spec/data-model.md). `expireafter=%!s(int64=N)`
 * is Go's output for a mistaken %s format in MIG's code: it is part of every signed action, so it
 * stays. Name and target go in raw. `operationsJson` is `goOperationsJson(action.operations)`,
 * passed in by a caller that stores those very bytes.
 */
export function actionCanonicalString(action: SignableAction, operationsJson = goOperationsJson(action.operations)): string {
  return (
    `name=${action.name};target=${action.target};validfrom=${unixSeconds(action.validfrom)};` +
    `expireafter=%!s(int64=${unixSeconds(action.expireafter)});operations=${operationsJson};`
  );
}
