import { status } from '@grpc/grpc-js';
import { connectDataService } from '@mig-data/client';
import { readServiceConfig } from '../src/config/service-config';
import { createLogger, silentLogger } from '../src/logging/logger';
import { startDataService } from '../src/start-data-service';
import { grpcCode } from './support/fixtures';
import { startTestService } from './support/test-service';

type Line = Record<string, unknown> & { msg: string };

describe('without mutual TLS: loopback only, unless explicitly allowed', () => {
  it('refuses to start on a non-loopback address, before touching any database, saying how to fix it', async () => {
    for (const listen of ['0.0.0.0:0', '[::]:0', '192.0.2.10:50051']) {
      const config = readServiceConfig({ MIG_DATA_LISTEN: listen, DATABASE_URL: 'postgres://nobody:secret@192.0.2.1:1/none' });
      await expect(startDataService(config, silentLogger)).rejects.toThrow(
        `refusing to listen on ${listen} without mutual TLS: any process that reaches it could register investigators and run actions on the fleet. Set MIG_DATA_TLS_CERT, MIG_DATA_TLS_KEY and MIG_DATA_TLS_CLIENT_CA`,
      );
    }
  });

  it('refuses TLS settings that do not go together', () => {
    expect(() => readServiceConfig({ MIG_DATA_TLS_CERT: 'server.crt' })).toThrow('MIG_DATA_TLS_CERT and MIG_DATA_TLS_KEY go together, and MIG_DATA_TLS_CLIENT_CA needs both');
    expect(() => readServiceConfig({ MIG_DATA_TLS_CLIENT_CA: 'ca.crt' })).toThrow('MIG_DATA_TLS_CLIENT_CA needs both');
  });

  it('on loopback, says at start that callers are not identified, and every local caller gets every role (logged as "local")', async () => {
    const lines: string[] = [];
    const t = await startTestService(undefined, createLogger('info', (line) => lines.push(line)));
    try {
      await t.clients.investigators.createSchedulerInvestigator({ name: '' });
      await t.clients.investigators.getSchedulerInvestigator({});
      await t.clients.permissions.createModule({ name: 'file' });
      const parsed = lines.map((line) => JSON.parse(line) as Line);
      expect(parsed.find((line) => line.msg === 'serving')).toMatchObject({ transport: 'no TLS: loopback only, every local caller has every role' });
      expect(parsed.some((line) => line.level === 'warn' && String(line.msg).startsWith('callers are not identified (no TLS: loopback only'))).toBe(true);
      const access = parsed.filter((line) => line.msg === 'rpc');
      expect(access.map((line) => [line.method, line.role, line.subject, line.code])).toEqual([
        ['mig.data.v1.InvestigatorService/CreateSchedulerInvestigator', 'local', '', 'OK'],
        ['mig.data.v1.InvestigatorService/GetSchedulerInvestigator', 'local', '', 'OK'],
        ['mig.data.v1.PermissionService/CreateModule', 'local', '', 'OK'],
      ]);
    } finally {
      await t.stop();
    }
  });

  it('listens on every address only with MIG_DATA_ALLOW_INSECURE_LISTEN=true, and says so', async () => {
    const lines: string[] = [];
    const t = await startTestService(undefined, createLogger('info', (line) => lines.push(line)), { MIG_DATA_LISTEN: '0.0.0.0:0', MIG_DATA_ALLOW_INSECURE_LISTEN: 'true' });
    const port = t.service.address.slice(t.service.address.lastIndexOf(':') + 1);
    const clients = connectDataService(`127.0.0.1:${port}`);
    try {
      expect((await grpcCode(clients.investigators.getSchedulerInvestigator({}))).code).toBe(status.NOT_FOUND);
      expect(lines.map((line) => JSON.parse(line) as Line).find((line) => line.msg === 'serving')).toMatchObject({
        address: `0.0.0.0:${port}`,
        transport: 'no TLS and NOT loopback (MIG_DATA_ALLOW_INSECURE_LISTEN): every caller has every role',
      });
    } finally {
      clients.close();
      await t.stop();
    }
  });
});
