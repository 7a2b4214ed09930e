import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from './errors';
import { checkTargetExpression } from './target-expression';

function reasonFor(target: string): string {
  try {
    checkTargetExpression(target);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  return 'accepted';
}

describe('checkTargetExpression', () => {
  it('accepts the targets MIG investigators write', () => {
    for (const target of [
      "queueloc LIKE 'linux.%' AND environment->>'ident' ILIKE '%ubuntu%'",
      "agents.queueloc like 'linux.%'",
      "environment->>'os' IN ('linux','darwin') AND mode='daemon'",
      "tags->>'operator' = 'IT' AND name NOT LIKE '%;--%'",
      "id IN (SELECT agentid FROM commands, json_array_elements(commands.results) AS r WHERE commands.actionid = 12 AND r#>>'{foundanything}' = 'true')",
      "lower(name) = 'it''s' AND heartbeattime > now() - interval '1 hour'",
      "CASE WHEN version LIKE '2015%' THEN true ELSE false END",
      "\"queueloc\" = 'x;y' AND status='online'",
    ]) {
      expect([target, reasonFor(target)]).toEqual([target, 'accepted']);
    }
  });

  it('accepts every target of the real MIG action corpus', () => {
    const corpus = join(__dirname, '../../../testdata/mig-actions');
    for (const file of readdirSync(corpus).filter((name) => name.endsWith('.json'))) {
      const { target } = JSON.parse(readFileSync(join(corpus, file), 'utf8')) as { target?: string };
      if (target !== undefined) expect([file, reasonFor(target)]).toEqual([file, 'accepted']);
    }
  });

  it.each([
    ["name = 'x'; DROP TABLE agents", '";" at position 10'],
    ["name = 'x' -- and the rest", 'comments are not accepted'],
    ["name = 'x' /* hidden */", 'comments are not accepted'],
    ["(name = 'x'", 'unbalanced parentheses: 1 "(" never closed'],
    ["name = 'x') OR (true", '")" at position 10 closes nothing'],
    ["name = 'x", 'unterminated string literal'],
    ['"name = 1', 'unterminated quoted identifier'],
    ["name = E'\\' OR true'", "escape string E'…'"],
    ['name = $$x$$', 'dollar quoting'],
    ["set_config('role', 'postgres', true) IS NOT NULL", 'function "set_config"'],
    ["pg_catalog.\"set_config\"('role', 'postgres', true) IS NOT NULL", 'function "set_config"'],
    ['pg_sleep(10) IS NULL', 'function "pg_sleep"'],
    ["query_to_xml('select 1', true, true, '') IS NOT NULL", 'function "query_to_xml"'],
    ['id IN (WITH x AS (DELETE FROM agents RETURNING id) SELECT id FROM x)', '"delete"'],
    ['true OR (SET ROLE postgres) IS NULL', '"set"'],
    ['RESET ROLE', '"reset"'],
    ['', 'must not be empty'],
  ])('refuses %j, saying why', (target, reason) => {
    expect(reasonFor(target)).toContain(reason);
  });

  it('refuses a target longer than the column holds', () => {
    expect(reasonFor(`name = '${'x'.repeat(2100)}'`)).toContain('at most 2048');
  });
});
