import { InvalidArgumentError } from './errors';
import { quoteInput } from './quote-input';

/** The longest target MIG stores (actions.target is varchar(2048)). */
export const MAX_TARGET_LENGTH = 2048;

/**
 * Words that start or steer a statement of their own. None has a place in a boolean expression
 * over the agents columns, so an unquoted occurrence outside a string literal means the target
 * is trying to be more than one expression.
 */
const STATEMENT_WORDS = new Set([
  'alter', 'analyze', 'begin', 'call', 'checkpoint', 'close', 'cluster', 'comment', 'commit', 'copy', 'create',
  'deallocate', 'declare', 'delete', 'discard', 'do', 'drop', 'execute', 'explain', 'fetch', 'grant',
  'import', 'insert', 'into', 'listen', 'load', 'lock', 'merge', 'move', 'notify', 'prepare', 'reassign',
  'refresh', 'reindex', 'release', 'reset', 'revoke', 'role', 'rollback', 'savepoint', 'security', 'set',
  'show', 'start', 'truncate', 'unlisten', 'update', 'vacuum', 'authorization',
]);

/**
 * Functions a target may call. Anything else followed by `(` is refused: functions that change
 * settings (set_config), run SQL of their own (query_to_xml…), sleep, lock, signal or touch
 * files never get that far. Type names that take a modifier (`varchar(10)`) are listed too.
 */
const ALLOWED_FUNCTIONS = new Set([
  // text
  'lower', 'upper', 'length', 'char_length', 'character_length', 'octet_length', 'substr', 'substring', 'strpos',
  'position', 'trim', 'btrim', 'ltrim', 'rtrim', 'replace', 'split_part', 'concat', 'concat_ws', 'left', 'right',
  'reverse', 'starts_with', 'regexp_match', 'regexp_replace', 'regexp_like', 'initcap', 'lpad', 'rpad', 'md5',
  // conditionals and arithmetic
  'coalesce', 'nullif', 'greatest', 'least', 'abs', 'round', 'floor', 'ceil', 'ceiling', 'mod',
  // time
  'now', 'date_trunc', 'date_part', 'extract', 'age', 'to_timestamp', 'to_char', 'to_date', 'to_number',
  'make_interval',
  // JSON (environment, tags, command results)
  'json_array_elements', 'json_array_elements_text', 'json_extract_path', 'json_extract_path_text',
  'json_array_length', 'json_typeof', 'json_object_keys', 'json_each', 'json_each_text', 'to_json',
  'jsonb_array_elements', 'jsonb_array_elements_text', 'jsonb_extract_path', 'jsonb_extract_path_text',
  'jsonb_array_length', 'jsonb_typeof', 'jsonb_object_keys', 'jsonb_each', 'jsonb_each_text', 'to_jsonb',
  'jsonb_path_exists', 'jsonb_path_match',
  // arrays, network addresses, aggregates in subqueries
  'array_length', 'array_to_string', 'string_to_array', 'cardinality', 'unnest', 'host', 'network', 'masklen',
  'inet', 'cidr', 'family', 'count', 'min', 'max', 'sum', 'avg', 'bool_and', 'bool_or',
  // type names with a modifier
  'varchar', 'char', 'character', 'numeric', 'decimal', 'timestamp', 'timestamptz', 'time', 'interval', 'bit',
  'varbit',
]);

/** SQL keywords that may stand before `(` without being a function call. */
const KEYWORDS_BEFORE_PARENTHESIS = new Set([
  'and', 'or', 'not', 'in', 'exists', 'any', 'all', 'some', 'cast', 'array', 'row', 'values', 'select', 'where',
  'from', 'on', 'using', 'join', 'as', 'like', 'ilike', 'similar', 'between', 'is', 'case', 'when', 'then',
  'else', 'distinct', 'by', 'having', 'filter', 'over', 'lateral', 'with', 'union', 'intersect', 'except',
]);

interface Word {
  text: string;
  quoted: boolean;
  position: number;
}

/**
 * Refuses, before anything reaches PostgreSQL, a target that is not one expression: a statement
 * separator, a comment, unbalanced parentheses or quotes, dollar quoting, escape strings, a
 * statement keyword, or a call of a function targets have no use for. This is the first of
 * several walls: the read-only role, the read-only transaction and the time limit still hold if
 * something slips through here. Throws INVALID_ARGUMENT on `field` saying what to fix.
 */
export function checkTargetExpression(target: string, field = 'target'): void {
  const refuse = (reason: string): never => {
    throw new InvalidArgumentError(field, reason);
  };
  if (target.trim() === '') refuse('must not be empty: give a boolean expression over the agents columns, e.g. queueloc LIKE \'linux.%\'');
  if (target.length > MAX_TARGET_LENGTH) refuse(`is ${target.length} characters long; at most ${MAX_TARGET_LENGTH}`);
  if (target.includes('\u0000')) refuse('must not contain NUL characters');

  const words: Array<Word & { next: string }> = [];
  let depth = 0;
  let i = 0;
  const nextSignificant = (from: number): string => {
    let j = from;
    while (j < target.length && /\s/.test(target[j])) j++;
    return target[j] ?? '';
  };
  while (i < target.length) {
    const c = target[i];
    const next = target[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const previous = words[words.length - 1];
      if (previous && !previous.quoted && previous.position + previous.text.length === i && previous.text === 'e') {
        refuse(`escape string E'…' at position ${previous.position} is not accepted; write a standard '…' literal`);
      }
      i = endOfQuoted(target, i, "'") ?? refuse(`unterminated string literal starting at position ${i}`);
    } else if (c === '"') {
      const end = endOfQuoted(target, i, '"') ?? refuse(`unterminated quoted identifier starting at position ${i}`);
      const text = target.slice(i + 1, end - 1).replace(/""/g, '"');
      words.push({ text, quoted: true, position: i, next: nextSignificant(end) });
      i = end;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let end = i + 1;
      while (end < target.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(target[end])) end++;
      words.push({ text: target.slice(i, end).toLowerCase(), quoted: false, position: i, next: nextSignificant(end) });
      i = end;
    } else if (c === ';') {
      refuse(`";" at position ${i}: a target is a single expression, not several statements`);
    } else if (c === '-' && next === '-') {
      refuse(`"--" at position ${i}: comments are not accepted in targets`);
    } else if (c === '/' && next === '*') {
      refuse(`"/*" at position ${i}: comments are not accepted in targets`);
    } else if (c === '*' && next === '/') {
      refuse(`"*/" at position ${i}: comments are not accepted in targets`);
    } else if (c === '$') {
      refuse(`"$" at position ${i}: dollar quoting and parameters are not accepted in targets`);
    } else if (c === '\\') {
      refuse(`"\\" at position ${i} outside a string literal`);
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) refuse(`unbalanced parentheses: ")" at position ${i} closes nothing`);
      i++;
    } else {
      i++;
    }
  }
  if (depth > 0) refuse(`unbalanced parentheses: ${depth} "(" never closed`);

  for (const word of words) {
    if (!word.quoted && STATEMENT_WORDS.has(word.text)) {
      refuse(`${quoteInput(word.text)} at position ${word.position} is not allowed: a target is one boolean expression over the agents columns`);
    }
    if (word.next === '(' && !ALLOWED_FUNCTIONS.has(word.text) && (word.quoted || !KEYWORDS_BEFORE_PARENTHESIS.has(word.text))) {
      refuse(`function ${quoteInput(word.text)} (position ${word.position}) is not allowed in targets; allowed functions: ${[...ALLOWED_FUNCTIONS].join(', ')}`);
    }
  }
}

/** Index just past the closing quote of the quoted text starting at `start`, doubled quotes included; undefined if unterminated. */
function endOfQuoted(text: string, start: number, quote: string): number | undefined {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return undefined;
}
