import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, makeClientConstructor, status, type ClientReadableStream, type ServiceDefinition } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { connectDataService } from '@mig-data/client';
import { readServiceConfig } from '../src/config/service-config';
import { silentLogger } from '../src/logging/logger';
import { startDataService, type RunningDataService } from '../src/start-data-service';
import { heartbeat } from './support/fixtures';
import { askReflection, checkHealth, descriptorSetOf, healthClient, reflectionClient, type ReflectionVersion } from './support/stock-clients';
import { startScratchPostgres, type ScratchPostgres } from './support/scratch-postgres';
import { startTestService, type TestService } from './support/test-service';

const SERVICES = ['Action', 'Agent', 'Command', 'Fleet', 'Investigator', 'Permission', 'Search'].map((name) => `mig.data.v1.${name}Service`);

async function eventually(what: () => Promise<string>, expected: string, withinMs: number): Promise<number> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < withinMs) {
    last = await what();
    if (last === expected) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still ${last} after ${withinMs} ms, expected ${expected}`);
}

describe('grpc.health.v1 Health, by a stock client', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, { MIG_DATA_HEALTH_INTERVAL_MS: '100' });
  });
  afterAll(() => t.stop());

  it('says SERVING overall and for every mig.data.v1 service, and NOT_FOUND for a name it does not serve', async () => {
    const client = healthClient(t.service.address);
    expect(await checkHealth(client)).toBe('SERVING');
    for (const service of SERVICES) expect(await checkHealth(client, service)).toBe('SERVING');
    expect(await checkHealth(client, 'mig.data.v1.NoSuchService')).toBe(`code ${status.NOT_FOUND}`);
    client.close();
  });
});

describe('Health follows the database: NOT_SERVING while it is stopped, SERVING when it is back, without a restart', () => {
  let directory: string;
  let postgres: ScratchPostgres;
  let service: RunningDataService;
  const dataDir = () => join(directory, 'pg');
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mig-data-health-'));
    await chmod(directory, 0o755); // as root, PostgreSQL runs as another user who must reach it
    postgres = await startScratchPostgres(dataDir());
    const config = readServiceConfig({
      DATABASE_URL: postgres.url,
      MIG_DATA_LISTEN: '127.0.0.1:0',
      MIG_DATA_DB_POOL_SIZE: '3',
      MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
      MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
      MIG_DATA_HEALTH_INTERVAL_MS: '100',
      MIG_DATA_HEALTH_TIMEOUT_MS: '500',
    });
    service = await startDataService(config, silentLogger);
  });
  afterAll(async () => {
    await service?.stop();
    await postgres?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('Check and Watch see SERVING, NOT_SERVING once PostgreSQL stops, and SERVING once it is started again', async () => {
    const client = healthClient(service.address);
    const seen: string[] = [];
    const watch: ClientReadableStream<{ status: string }> = client.watch({ service: 'mig.data.v1.AgentService' });
    watch.on('data', ({ status: served }: { status: string }) => seen.push(served));
    watch.on('error', () => undefined); // cancelled at the end
    expect(await checkHealth(client)).toBe('SERVING');

    const port = Number(new URL(postgres.url).port);
    await postgres.stop();
    // The probe runs every 100 ms with a 500 ms limit: well within 3 s.
    await eventually(() => checkHealth(client), 'NOT_SERVING', 3000);
    expect(await checkHealth(client, 'mig.data.v1.AgentService')).toBe('NOT_SERVING');

    postgres = await startScratchPostgres(dataDir(), port);
    await eventually(() => checkHealth(client), 'SERVING', 5000);
    expect(await checkHealth(client, 'mig.data.v1.AgentService')).toBe('SERVING');
    // ...and the service itself serves again, on the pool it had.
    const agents = connectDataService(service.address);
    await expect(agents.agents.recordHeartbeat({ heartbeat: heartbeat('back.example.net') })).resolves.toMatchObject({ agentId: expect.any(Number) });
    agents.close();

    expect(seen).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
    watch.cancel();
    client.close();
  });
});

describe('server reflection, by a stock client', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it.each<ReflectionVersion>(['v1', 'v1alpha'])('%s lists the mig.data.v1 services and health', async (version) => {
    const client = reflectionClient(t.service.address, version);
    const answer = await askReflection(client, { list_services: '' });
    const names = answer.list_services_response!.service.map((service) => service.name);
    expect(names).toEqual(expect.arrayContaining([...SERVICES, 'grpc.health.v1.Health']));
    client.close();
  });

  it.each<ReflectionVersion>(['v1', 'v1alpha'])('%s gives file descriptors from which a client is built that calls the service', async (version) => {
    const client = reflectionClient(t.service.address, version);
    const answer = await askReflection(client, { file_containing_symbol: 'mig.data.v1.AgentService' });
    const files = answer.file_descriptor_response!.file_descriptor_proto;
    // The files the symbol needs, as a stock client would assemble them.
    const definition = loadFileDescriptorSetFromBuffer(descriptorSetOf(files), { keepCase: true, longs: Number, defaults: true });
    expect(Object.keys(definition)).toEqual(expect.arrayContaining(['mig.data.v1.AgentService', 'mig.data.v1.Heartbeat', 'google.protobuf.Timestamp']));
    const AgentService = makeClientConstructor(definition['mig.data.v1.AgentService'] as ServiceDefinition, 'AgentService');
    type Unary = (request: unknown, callback: (error: Error | null, response: { agent_id: number }) => void) => void;
    const agents = new AgentService(t.service.address, credentials.createInsecure()) as InstanceType<typeof AgentService> & { RecordHeartbeat: Unary };
    const now = { seconds: Math.floor(Date.now() / 1000), nanos: 0 };
    const reflected = { name: `reflected-${version}.example.net`, queueloc: `linux.reflected-${version}`, mode: 'daemon', version: '1', pid: 1, starttime: now, heartbeatts: now };
    const recorded = await new Promise<{ agent_id: number }>((resolve, reject) =>
      agents.RecordHeartbeat({ heartbeat: reflected }, (error, response) => (error ? reject(error) : resolve(response))),
    );
    expect(recorded.agent_id).toBeGreaterThan(0);
    agents.close();
    const unknown = await askReflection(client, { file_containing_symbol: 'mig.data.v1.NoSuchThing' });
    expect(unknown.error_response?.error_code).toBe(status.NOT_FOUND);
    client.close();
  });
});
