import { status } from '@grpc/grpc-js';
import { databaseErrorAsDomain } from '@mig-data/database';
import { Client } from 'pg';
import { toServiceError } from '../src/grpc/grpc-error';
import { silentLogger } from '../src/logging/logger';
import { grpcCode, heartbeat } from './support/fixtures';
import { blockedBackends, lockAgents } from './support/lock-blocking';
import { startTestService, type TestService } from './support/test-service';

describe('database outages and conflicts come back as codes a caller can act on', () => {
  describe('connection loss', () => {
    let t: TestService;
    let agentId: number;
    beforeAll(async () => {
      t = await startTestService(undefined, undefined, { MIG_DATA_DB_POOL_SIZE: '2' });
      ({ agentId } = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('lost.example.net') }));
    });
    afterAll(() => t.stop());

    it('is UNAVAILABLE when the service loses its database connection mid-call, and the service recovers', async () => {
      const lock = await lockAgents(t);
      const call = grpcCode(t.clients.agents.getAgent({ id: agentId }));
      const pids = await blockedBackends(t);
      await t.sql.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
      expect(await call).toEqual({ code: status.UNAVAILABLE, details: expect.stringMatching(/database is unavailable.*retry/) });
      await lock.release();
      const { agent } = await t.clients.agents.getAgent({ id: agentId });
      expect(agent!.id).toBe(agentId);
    });

    it('is UNAVAILABLE for a write whose connection is killed, and nothing of it is kept', async () => {
      const lock = await lockAgents(t);
      const call = grpcCode(t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('never.example.net')] }));
      const pids = await blockedBackends(t);
      await t.sql.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
      expect((await call).code).toBe(status.UNAVAILABLE);
      await lock.release();
      const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE name = 'never.example.net'`);
      expect(rows[0].n).toBe(0);
    });
  });

  describe('pool exhaustion', () => {
    let t: TestService;
    let agentId: number;
    beforeAll(async () => {
      t = await startTestService(undefined, undefined, { MIG_DATA_DB_POOL_SIZE: '2', MIG_DATA_DB_ACQUIRE_TIMEOUT_MS: '300' });
      ({ agentId } = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('busy.example.net') }));
    });
    afterAll(() => t.stop());

    it('is UNAVAILABLE after the acquire timeout when every connection stays busy, not a wait until the deadline', async () => {
      const lock = await lockAgents(t);
      const blocked = [t.clients.agents.getAgent({ id: agentId }), t.clients.agents.getAgent({ id: agentId })];
      await blockedBackends(t, 2); // both pooled connections are now held by blocked calls
      const started = Date.now();
      const second = await grpcCode(t.clients.agents.getAgent({ id: agentId }));
      expect(second).toEqual({ code: status.UNAVAILABLE, details: expect.stringMatching(/every connection busy/) });
      expect(Date.now() - started).toBeLessThan(3000);
      await lock.release();
      for (const call of blocked) expect((await call).agent!.id).toBe(agentId);
    });
  });

  describe('conflicts', () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService();
    });
    afterAll(() => t.stop());

    /** Two connections of the test, each in its own transaction. */
    async function twoSessions(): Promise<[Client, Client]> {
      const sessions: [Client, Client] = [new Client({ connectionString: t.database.url }), new Client({ connectionString: t.database.url })];
      await Promise.all(sessions.map((session) => session.connect()));
      return sessions;
    }

    it('maps a real serialization failure to ABORTED', async () => {
      const [a, b] = await twoSessions();
      try {
        await a.query('CREATE TABLE ser (id int PRIMARY KEY, v int)');
        await a.query('INSERT INTO ser VALUES (1, 0)');
        await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await a.query('SELECT * FROM ser');
        await b.query('UPDATE ser SET v = 1 WHERE id = 1');
        const failure = await a.query('UPDATE ser SET v = 2 WHERE id = 1').catch((error: unknown) => error);
        expect((failure as { code: string }).code).toBe('40001');
        expect(databaseErrorAsDomain(failure)?.kind).toBe('aborted');
        expect(toServiceError(failure, silentLogger, { method: 'test' }).code).toBe(status.ABORTED);
      } finally {
        await a.end();
        await b.end();
      }
    });

    it('maps a real deadlock to ABORTED', async () => {
      const [a, b] = await twoSessions();
      try {
        await a.query('CREATE TABLE dl (id int PRIMARY KEY)');
        await a.query('INSERT INTO dl VALUES (1), (2)');
        await a.query('BEGIN');
        await b.query('BEGIN');
        await a.query('SELECT * FROM dl WHERE id = 1 FOR UPDATE');
        await b.query('SELECT * FROM dl WHERE id = 2 FOR UPDATE');
        const results = await Promise.allSettled([a.query('SELECT * FROM dl WHERE id = 2 FOR UPDATE'), b.query('SELECT * FROM dl WHERE id = 1 FOR UPDATE')]);
        const failure = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
        expect((failure.reason as { code: string }).code).toBe('40P01');
        expect(toServiceError(failure.reason, silentLogger, { method: 'test' }).code).toBe(status.ABORTED);
      } finally {
        await a.end();
        await b.end();
      }
    });

    it('leaves other failures INTERNAL, with no SQL in the message', () => {
      const error = Object.assign(new Error('relation "secret_table" does not exist'), { code: '42P01' });
      const mapped = toServiceError(error, silentLogger, { method: 'test' });
      expect(mapped.code).toBe(status.INTERNAL);
      expect(mapped.details).not.toMatch(/secret_table/);
    });
  });
});
