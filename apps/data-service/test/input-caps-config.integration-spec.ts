import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateCommandsResponse } from '@mig-data/contract';
import { maxCreateCommandsAnswerBytes } from '../src/commands/create-commands-answer';
import { ConfigError, readServiceConfig } from '../src/config/service-config';

describe('input caps in the configuration', () => {
  it('bounds the largest CreateCommands answer from above, exactly for the largest ids', () => {
    for (const count of [1, 1000, 100_000]) {
      const largest = Array.from({ length: count }, () => Number.MAX_SAFE_INTEGER);
      const worst = CreateCommandsResponse.encode({ agentIds: largest, commandIds: largest, createdCount: Number.MAX_SAFE_INTEGER }).finish().length;
      expect(worst).toBe(maxCreateCommandsAnswerBytes(count));
      const usual = CreateCommandsResponse.encode({ agentIds: Array.from({ length: count }, (_, i) => 2 ** 30 + i), commandIds: Array.from({ length: count }, (_, i) => 2 ** 40 + i), createdCount: count }).finish().length;
      expect(usual).toBeLessThanOrEqual(maxCreateCommandsAnswerBytes(count));
    }
  });

  it('has defaults whose CreateCommands answer fits the largest message, and refuses a cap whose answer would not', () => {
    const defaults = readServiceConfig({});
    expect(defaults.limits).toEqual({ maxAgentJsonBytes: 65536, maxActionJsonBytes: 4194304, maxHeartbeatsPerCall: 10000, maxAgentIdsPerCall: 100000 });
    expect(defaults.maxRequestBytes).toBe(16 * 1024 * 1024);
    expect(maxCreateCommandsAnswerBytes(defaults.limits.maxAgentIdsPerCall)).toBeLessThanOrEqual(defaults.maxMessageBytes);
    expect(() => readServiceConfig({ MIG_DATA_MAX_AGENT_IDS_PER_CALL: '1000000', MIG_DATA_MAX_MESSAGE_BYTES: String(4 * 1024 * 1024) })).toThrow(ConfigError);
    expect(() => readServiceConfig({ MIG_DATA_MAX_AGENT_IDS_PER_CALL: '1000000', MIG_DATA_MAX_MESSAGE_BYTES: String(4 * 1024 * 1024) })).toThrow(
      /MIG_DATA_MAX_AGENT_IDS_PER_CALL=1000000: a CreateCommands answer for that many agents can take 16000019 bytes, more than MIG_DATA_MAX_MESSAGE_BYTES=4194304/,
    );
  });

  it('shows every cap in --help', () => {
    const help = execFileSync(process.execPath, [join(__dirname, '../dist/main.js'), '--help'], { encoding: 'utf8' });
    for (const name of [
      'MIG_DATA_MAX_REQUEST_BYTES',
      'MIG_DATA_MAX_MESSAGE_BYTES',
      'MIG_DATA_MAX_AGENT_JSON_BYTES',
      'MIG_DATA_MAX_ACTION_JSON_BYTES',
      'MIG_DATA_MAX_HEARTBEATS_PER_CALL',
      'MIG_DATA_MAX_AGENT_IDS_PER_CALL',
      'MIG_DATA_DB_ACQUIRE_TIMEOUT_MS',
      'MIG_DATA_DB_STATEMENT_TIMEOUT_MS',
      'MIG_DATA_TARGET_POOL_SIZE',
      'MIG_DATA_MAX_CALLS_IN_FLIGHT',
      'MIG_DATA_JOB_TIMEOUT_MS',
      'MIG_DATA_SHUTDOWN_GRACE_MS',
    ]) {
      expect(help).toContain(name);
    }
  });
});
