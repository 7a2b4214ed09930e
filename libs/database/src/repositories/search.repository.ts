import type { DataSource } from 'typeorm';
import type { ActionRow } from '../entities/action.entity';
import type { AgentRow } from '../entities/agent.entity';
import type { CommandRow } from '../entities/command.entity';
import { AGENT_COLUMNS } from './agent-rows';
import { operationsFromStored } from '../entities/stored-operations.transformer';

/**
 * MIG's search parameters (database/search in the original). Unset filters do not filter; text
 * filters are ILIKE patterns. The time window means: actions' validfrom/expireafter, commands'
 * starttime, agents' heartbeattime, investigators' lastmodified.
 */
export interface SearchFilter {
  actionId?: number;
  actionName?: string;
  after?: Date;
  before?: Date;
  agentId?: number;
  agentName?: string;
  agentVersion?: string;
  commandId?: number;
  status?: string;
  /** An ILIKE pattern on actions.target (agents are searched by target through target expansion instead). */
  target?: string;
  threatFamily?: string;
  investigatorId?: number;
  investigatorName?: string;
  /** Commands only: successful commands of which some operation found something (true), or none did (false). */
  foundAnything?: boolean;
  limit: number;
  offset: number;
}

/** The public facts of an investigator: never key material. */
export interface InvestigatorSummaryRow {
  id: number;
  name: string;
  pgpfingerprint: string | null;
  status: string;
}

export interface CommandSearchRow {
  command: CommandRow;
  action: ActionRow;
  agent: AgentRow;
}

/** WHERE clauses and their parameters, numbered as they are added. */
class Conditions {
  readonly clauses: string[] = [];
  readonly parameters: unknown[] = [];

  /** Adds `clause` with each `?` replaced by the next parameter placeholder, if every value is set. */
  add(clause: string, ...values: unknown[]): void {
    if (values.some((value) => value === undefined)) return;
    let index = 0;
    this.clauses.push(clause.replace(/\?/g, () => this.placeholder(values[index++])));
    if (index !== values.length) throw new Error(`clause "${clause}" takes ${index} values, got ${values.length}`);
  }

  /** The clauses of `inner`, for EXISTS subqueries, sharing this one's parameter numbering. */
  exists(from: string, build: (inner: Conditions) => void): void {
    const inner = new Conditions();
    inner.parameters.push(...this.parameters);
    build(inner);
    if (inner.parameters.length === this.parameters.length) return;
    this.parameters.splice(0, this.parameters.length, ...inner.parameters);
    this.clauses.push(`EXISTS (SELECT 1 FROM ${from} AND ${inner.clauses.join(' AND ')})`);
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }

  page(filter: SearchFilter): string {
    return `LIMIT ${this.placeholder(filter.limit)} OFFSET ${this.placeholder(filter.offset)}`;
  }

  private placeholder(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }
}

// Filters on each table, shared by every search that reaches it.
function actionClauses(c: Conditions, f: SearchFilter, table: string): void {
  c.add(`${table}.id = ?`, f.actionId);
  c.add(`${table}.name ILIKE ?`, f.actionName);
  c.add(`${table}.target ILIKE ?`, f.target);
  c.add(`${table}.threat->>'family' ILIKE ?`, f.threatFamily);
}
function agentClauses(c: Conditions, f: SearchFilter, table: string): void {
  c.add(`${table}.id = ?`, f.agentId);
  c.add(`${table}.name ILIKE ?`, f.agentName);
  c.add(`${table}.version ILIKE ?`, f.agentVersion);
}
function investigatorClauses(c: Conditions, f: SearchFilter, table: string): void {
  c.add(`${table}.id = ?`, f.investigatorId);
  c.add(`${table}.name ILIKE ?`, f.investigatorName);
}

const ACTION_COLUMN_NAMES = ['id', 'name', 'target', 'description', 'threat', 'operations', 'validfrom', 'expireafter', 'starttime', 'finishtime', 'lastupdatetime', 'status', 'syntaxversion', 'pgpsignatures'];
const ACTION_COLUMNS = ACTION_COLUMN_NAMES.join(', ');
const COMMAND_COLUMN_NAMES = ['id', 'actionid', 'agentid', 'status', 'results', 'starttime', 'finishtime'];
// A command search row: the command's and its action's columns under prefixes, the agent's as they
// are. Flat typed columns, not row_to_json: JSON carries times as text in the session's time zone,
// and years before 1900 get a local-mean-time offset (+00:09:21 in Paris) that Date cannot parse,
// which is how Go's zero time (an unfinished MIG action) would break every command search.
const COMMAND_SEARCH_COLUMNS = [
  ...COMMAND_COLUMN_NAMES.map((column) => `commands.${column} AS command_${column}`),
  ...ACTION_COLUMN_NAMES.map((column) => `actions.${column} AS action_${column}`),
  AGENT_COLUMNS,
].join(', ');
/** FROM … WHERE of the investigators who signed the action in scope (for EXISTS). */
const SIGNERS_OF_ACTION = 'signatures JOIN investigators ON investigators.id = signatures.investigatorid WHERE signatures.actionid = actions.id';
const INVESTIGATOR_SUMMARY_COLUMNS = 'investigators.id, investigators.name, investigators.pgpfingerprint, investigators.status';

/**
 * Search, as MIG's API offered it. Each search reads one table and reaches the others through
 * EXISTS, so a filter on a related table narrows results without multiplying them (the original
 * joined everything and grouped the duplicates away).
 */
export class SearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Latest validfrom first. */
  async actions(f: SearchFilter): Promise<ActionRow[]> {
    const c = new Conditions();
    c.add('actions.validfrom >= ?', f.after);
    c.add('actions.expireafter <= ?', f.before);
    c.add('actions.status ILIKE ?', f.status);
    actionClauses(c, f, 'actions');
    c.exists(SIGNERS_OF_ACTION, (inner) => investigatorClauses(inner, f, 'investigators'));
    c.exists('commands JOIN agents ON agents.id = commands.agentid WHERE commands.actionid = actions.id', (inner) => {
      inner.add('commands.id = ?', f.commandId);
      agentClauses(inner, f, 'agents');
    });
    const rows = await this.dataSource.query(
      `SELECT ${ACTION_COLUMNS} FROM actions ${c.where()} ORDER BY actions.validfrom DESC, actions.id DESC ${c.page(f)}`,
      c.parameters,
    );
    return rows.map(actionRowFrom);
  }

  /** Latest start first, each with its action and agent. */
  async commands(f: SearchFilter): Promise<CommandSearchRow[]> {
    const c = new Conditions();
    c.add('commands.starttime >= ?', f.after);
    c.add('commands.starttime <= ?', f.before);
    c.add('commands.id = ?', f.commandId);
    c.add('commands.status ILIKE ?', f.status);
    actionClauses(c, f, 'actions');
    agentClauses(c, f, 'agents');
    c.exists(SIGNERS_OF_ACTION, (inner) => investigatorClauses(inner, f, 'investigators'));
    if (f.foundAnything !== undefined) {
      // Results are an array with one entry per operation (anything else found nothing); a command
      // found something when any of its operations did.
      c.add(
        `commands.status = 'success' AND ${f.foundAnything ? '' : 'NOT'} EXISTS (
           SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(commands.results) = 'array' THEN commands.results ELSE '[]'::json END) AS result
           WHERE result->>'foundanything' = 'true')`,
      );
    }
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${COMMAND_SEARCH_COLUMNS}
       FROM commands JOIN actions ON actions.id = commands.actionid JOIN agents ON agents.id = commands.agentid
       ${c.where()} ORDER BY commands.starttime DESC, commands.id DESC ${c.page(f)}`,
      c.parameters,
    );
    return rows.map((row) => {
      const { command, action, rest } = splitByPrefix(row);
      return { command: command as unknown as CommandRow, action: actionRowFrom(action), agent: rest as unknown as AgentRow };
    });
  }

  /** Latest heartbeat first (target searches go through target expansion instead). */
  async agents(f: SearchFilter): Promise<AgentRow[]> {
    const c = new Conditions();
    c.add('agents.heartbeattime >= ?', f.after);
    c.add('agents.heartbeattime <= ?', f.before);
    c.add('agents.status ILIKE ?', f.status);
    agentClauses(c, f, 'agents');
    c.exists('commands JOIN actions ON actions.id = commands.actionid WHERE commands.agentid = agents.id', (inner) => {
      inner.add('commands.id = ?', f.commandId);
      actionClauses(inner, f, 'actions');
      inner.exists(SIGNERS_OF_ACTION, (deeper) =>
        investigatorClauses(deeper, f, 'investigators'),
      );
    });
    const rows = await this.dataSource.query(
      `SELECT ${AGENT_COLUMNS} FROM agents ${c.where()} ORDER BY agents.heartbeattime DESC, agents.id DESC ${c.page(f)}`,
      c.parameters,
    );
    return rows;
  }

  /** By id; public columns only. */
  async investigators(f: SearchFilter): Promise<InvestigatorSummaryRow[]> {
    const c = new Conditions();
    c.add('investigators.lastmodified >= ?', f.after);
    c.add('investigators.lastmodified <= ?', f.before);
    c.add('investigators.status ILIKE ?', f.status);
    investigatorClauses(c, f, 'investigators');
    c.exists('signatures JOIN actions ON actions.id = signatures.actionid WHERE signatures.investigatorid = investigators.id', (inner) => {
      actionClauses(inner, f, 'actions');
      inner.exists('commands JOIN agents ON agents.id = commands.agentid WHERE commands.actionid = actions.id', (deeper) => {
        deeper.add('commands.id = ?', f.commandId);
        agentClauses(deeper, f, 'agents');
      });
    });
    const rows = await this.dataSource.query(
      `SELECT ${INVESTIGATOR_SUMMARY_COLUMNS} FROM investigators ${c.where()} ORDER BY investigators.id ${c.page(f)}`,
      c.parameters,
    );
    return rows.map(investigatorSummaryFrom);
  }

  /** The investigators who signed each action (public facts only). */
  async signersOf(actionIds: readonly number[]): Promise<Map<number, InvestigatorSummaryRow[]>> {
    const signers = new Map<number, InvestigatorSummaryRow[]>();
    if (actionIds.length === 0) return signers;
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT signatures.actionid, ${INVESTIGATOR_SUMMARY_COLUMNS}
       FROM signatures JOIN investigators ON investigators.id = signatures.investigatorid
       WHERE signatures.actionid = ANY($1::numeric[]) ORDER BY investigators.id`,
      [actionIds],
    );
    for (const row of rows) {
      const actionId = row.actionid as number;
      signers.set(actionId, [...(signers.get(actionId) ?? []), investigatorSummaryFrom(row)]);
    }
    return signers;
  }
}

function actionRowFrom(raw: Record<string, unknown>): ActionRow {
  return { ...(raw as unknown as ActionRow), operations: operationsFromStored(raw.operations) };
}

/** Splits a command search row into the command's columns, the action's and the rest (the agent's). */
function splitByPrefix(row: Record<string, unknown>): { command: Record<string, unknown>; action: Record<string, unknown>; rest: Record<string, unknown> } {
  const parts = { command: {} as Record<string, unknown>, action: {} as Record<string, unknown>, rest: {} as Record<string, unknown> };
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('command_')) parts.command[key.slice('command_'.length)] = value;
    else if (key.startsWith('action_')) parts.action[key.slice('action_'.length)] = value;
    else parts.rest[key] = value;
  }
  return parts;
}

function investigatorSummaryFrom(raw: Record<string, unknown>): InvestigatorSummaryRow {
  return { id: raw.id as number, name: raw.name as string, pgpfingerprint: (raw.pgpfingerprint as string | null) ?? null, status: raw.status as string };
}
