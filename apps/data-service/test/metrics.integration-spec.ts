import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { readServiceConfig, ConfigError } from '../src/config/service-config';
import { grpcCode, heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';
import { expandedAgents } from './support/expansion';

/** The TCP servers this process listens with (gRPC, metrics…). */
const listeningServers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;

async function scrape(t: TestService, path = '/metrics'): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://${t.service.metricsAddress}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one series, its labels given in the order prom-client prints them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const AGENT = 'grpc_type="unary",grpc_service="mig.data.v1.AgentService"';

describe('Prometheus metrics on their own port (MIG_DATA_METRICS_LISTEN)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, { MIG_DATA_METRICS_LISTEN: '127.0.0.1:0', MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '3600000' });
  });
  afterAll(() => t.stop());

  it('counts calls by method and code (failed calls with their code) and times them, as go-grpc-prometheus names them', async () => {
    const { agentId } = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('counted.example.net') });
    await t.clients.agents.getAgent({ id: agentId });
    await t.clients.agents.getAgent({ id: agentId });
    expect((await grpcCode(t.clients.agents.getAgent({ id: agentId + 1000 }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.agents.recordHeartbeats({ heartbeats: [] }))).code).toBe(status.INVALID_ARGUMENT);

    const { status: httpStatus, type, text } = await scrape(t);
    expect(httpStatus).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, `grpc_server_handled_total{${AGENT},grpc_method="GetAgent",grpc_code="OK"}`)).toBe(2);
    expect(sample(text, `grpc_server_handled_total{${AGENT},grpc_method="GetAgent",grpc_code="NotFound"}`)).toBe(1);
    expect(sample(text, `grpc_server_handled_total{${AGENT},grpc_method="RecordHeartbeats",grpc_code="InvalidArgument"}`)).toBe(1);
    expect(sample(text, `grpc_server_handled_total{${AGENT},grpc_method="RecordHeartbeat",grpc_code="OK"}`)).toBe(1);
    expect(sample(text, `grpc_server_handling_seconds_count{${AGENT},grpc_method="GetAgent"}`)).toBe(3);
    expect(sample(text, `grpc_server_handling_seconds_bucket{le="+Inf",${AGENT},grpc_method="GetAgent"}`)).toBe(3);
    expect(sample(text, `grpc_server_handling_seconds_sum{${AGENT},grpc_method="GetAgent"}`)).toBeGreaterThan(0);
  });

  it('gives heartbeat batch sizes: concurrent single heartbeats grouped into few writes', async () => {
    const before = await scrape(t);
    const writesBefore = sample(before.text, 'mig_data_heartbeat_batch_size_count') ?? 0;
    const heartbeatsBefore = sample(before.text, 'mig_data_heartbeat_batch_size_sum') ?? 0;
    await Promise.all(Array.from({ length: 40 }, (_, index) => t.clients.agents.recordHeartbeat({ heartbeat: heartbeat(`batched-${index}.example.net`) })));
    const { text } = await scrape(t);
    expect(sample(text, 'mig_data_heartbeat_batch_size_sum')! - heartbeatsBefore).toBe(40);
    const writes = sample(text, 'mig_data_heartbeat_batch_size_count')! - writesBefore;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThan(40);
  });

  it('gives the database pools: connections open, idle and callers waiting', async () => {
    await expandedAgents(t.clients.fleet, { target: "name = 'counted.example.net'" });
    const { text } = await scrape(t);
    expect(sample(text, 'mig_data_db_pool_connections{pool="main"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'mig_data_db_pool_connections{pool="main"}')).toBeLessThanOrEqual(5); // MIG_DATA_DB_POOL_SIZE of the test service
    expect(sample(text, 'mig_data_db_pool_idle_connections{pool="main"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'mig_data_db_pool_waiting{pool="main"}')).toBe(0);
    expect(sample(text, 'mig_data_db_pool_connections{pool="targets"}')).toBeGreaterThanOrEqual(1); // opened by the expansion above
  });

  it('labels a streamed call server_stream, as go-grpc-prometheus does', async () => {
    await expandedAgents(t.clients.fleet, { target: "name = 'counted.example.net'" });
    const { text } = await scrape(t);
    const fleet = 'grpc_service="mig.data.v1.FleetService",grpc_method="ExpandTarget"';
    expect(sample(text, `grpc_server_handled_total{grpc_type="server_stream",${fleet},grpc_code="OK"}`)).toBeGreaterThanOrEqual(1);
    expect(sample(text, `grpc_server_handled_total{grpc_type="unary",${fleet},grpc_code="OK"}`)).toBeUndefined();
  });

  it('gives fleet job runs and durations, by job and outcome', async () => {
    // Each job runs once at start for the current period; later ticks of the same hour find it done.
    let text = '';
    for (let attempt = 0; attempt < 100 && !/mig_data_fleet_job_runs_total\{job="mark-offline-agents"/.test(text); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ({ text } = await scrape(t));
    }
    for (const job of ['mark-idle-agents', 'mark-offline-agents', 'forget-old-job-runs']) {
      expect(sample(text, `mig_data_fleet_job_runs_total{job="${job}",outcome="ran"}`)).toBe(1);
      expect(sample(text, `mig_data_fleet_job_duration_seconds_count{job="${job}",outcome="ran"}`)).toBe(1);
    }
  });

  it('answers 404 anywhere but /metrics, and adds process metrics', async () => {
    expect((await scrape(t, '/')).status).toBe(404);
    expect((await scrape(t)).text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });
});

describe('metrics are off by default', () => {
  it('opens no port without MIG_DATA_METRICS_LISTEN: the gRPC port is the only one', async () => {
    const before = listeningServers();
    const t = await startTestService();
    try {
      expect(t.service.metricsAddress).toBeUndefined();
      expect(listeningServers() - before).toBe(1);
    } finally {
      await t.stop();
    }
    const withMetrics = await startTestService(undefined, undefined, { MIG_DATA_METRICS_LISTEN: '127.0.0.1:0' });
    try {
      expect(listeningServers() - before).toBe(2); // the count above would see a metrics port
    } finally {
      await withMetrics.stop();
    }
    expect(listeningServers()).toBe(before);
  });

  it('is documented in --help and takes only host:port', () => {
    const help = execFileSync(process.execPath, [join(__dirname, '../dist/main.js'), '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/MIG_DATA_METRICS_LISTEN\s+host:port of the Prometheus metrics endpoint/);
    expect(() => readServiceConfig({ MIG_DATA_METRICS_LISTEN: '9464' })).toThrow(ConfigError);
    expect(() => readServiceConfig({ MIG_DATA_METRICS_LISTEN: '9464' })).toThrow(/MIG_DATA_METRICS_LISTEN="9464": must be host:port/);
  });
});
