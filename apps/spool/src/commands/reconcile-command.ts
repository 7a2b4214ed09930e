import { parseArgs } from 'node:util';
import { DRIFT_KINDS, type Drift } from '../reconcile/drift-kinds';
import { findDrift } from '../reconcile/find-drift';
import { repairDrift, stillDrifting, type RepairOutcome } from '../reconcile/repair-drift';
import { renderColumns } from '../output/columns';
import type { SpoolCommand } from '../spool-command';
import { existingSpool } from '../spool-view/existing-spool';
import { readSpoolSnapshot } from '../spool-view/spool-snapshot';

const KIND_HELP = Object.entries(DRIFT_KINDS)
  .map(([kind, { meaning, fix }]) => `  ${kind}: ${meaning}.\n    --fix: ${fix ?? 'none, reported only: no repair is safe without a person deciding'}.`)
  .join('\n');

/**
 * Compares the spool with the database and reports where they disagree; with --fix, repairs what
 * can be repaired safely (drift-kinds.ts says what each kind means and what its fix does). Work
 * in progress is not drift: files waiting in action/new or command/returned are the daemon's.
 * Exit 0 when spool and database agree (or every drift was fixed), 1 when drift remains.
 */
export const reconcileCommand: SpoolCommand = {
  name: 'reconcile',
  summary: 'where the spool and the database disagree; --fix repairs what is safe to repair',
  usage: `mig-spool [settings] [--json] reconcile [--fix]\n  exit 0: spool and database agree (after the fixes); 1: drift remains. The kinds of drift:\n${KIND_HELP}`,
  async run({ args, settings, clients, json, out }) {
    const { values } = parseArgs({ args, options: { fix: { type: 'boolean', default: false } } });
    const layout = await existingSpool(settings);
    const snapshot = await readSpoolSnapshot(layout);
    const { drift: found, checked } = await findDrift(clients(), snapshot);
    const drift: Array<Drift & { fixed?: RepairOutcome }> = [];
    for (const entry of found) if (await stillDrifting(layout, entry)) drift.push(entry);
    if (values.fix) for (const entry of drift) entry.fixed = await repairDrift(layout, clients(), entry);
    const remaining = drift.filter((entry) => !entry.fixed || !['fixed', 'gone'].includes(entry.fixed.outcome));

    if (json) {
      out(JSON.stringify({ spool: layout.root, checked, drift: drift.map(({ fixed, ...entry }) => ({ ...entry, fix: DRIFT_KINDS[entry.kind].fix, ...(fixed ? { result: fixed } : {}) })), remaining: remaining.length }, null, 2));
    } else {
      const lines = [`spool ${layout.root}: ${checked.actions} action(s) and ${checked.commands} command(s) compared with the database`];
      if (drift.length === 0) lines.push('spool and database agree');
      else {
        lines.push(`${drift.length} disagreement(s):`);
        lines.push(renderColumns(drift.map((entry) => [entry.kind, `action ${entry.actionId}${entry.commandId ? ` command ${entry.commandId}` : ''}`, entry.detail + (entry.fixed ? ` -> ${describeOutcome(entry.fixed)}` : '')])));
        if (!values.fix && remaining.some((entry) => DRIFT_KINDS[entry.kind].fix)) lines.push('mig-spool reconcile --fix repairs what can be repaired; mig-spool help reconcile says what each kind means and what its fix does');
      }
      out(lines.join('\n'));
    }
    return remaining.length === 0 ? 0 : 1;
  },
};

function describeOutcome(result: RepairOutcome): string {
  if (result.outcome === 'fixed') return 'fixed';
  if (result.outcome === 'gone') return 'resolved meanwhile';
  if (result.outcome === 'no-fix') return 'left as it is (no safe fix)';
  if (result.outcome === 'busy') return 'not fixed: the daemon is working on this action, run again';
  return `not fixed: ${result.error}`;
}
