import { gzipSync } from 'node:zlib';
import type { Client } from 'pg';
import type { MigGeneration } from './mig-created-database';

/** MIG's value for "not finished / not destroyed yet" (database/commands.go, agents.go). */
export const MIG_FUTURE = '9998-01-11 11:11:11.000000011+00';
/** What an action's creator leaves in finishtime until the scheduler finishes it: Go's zero time. */
export const GO_ZERO_TIME = '0001-01-01 00:00:00+00';

/** Ids as MIG's generator made them: (seconds since 2013-04-29T18:00:00Z + 1) << 16, then +1 each. */
const MIG_ID_BASE = (1_560_000_000 - 1_367_258_400 + 1) * 65_536;
export const MIG_IDS = {
  online: MIG_ID_BASE + 1,
  destroyed: MIG_ID_BASE + 2,
  offline: MIG_ID_BASE + 3,
  plainAction: MIG_ID_BASE + 10,
  compressedAction: MIG_ID_BASE + 11,
  expiredCommand: MIG_ID_BASE + 20,
  successCommand: MIG_ID_BASE + 21,
  compressedCommand: MIG_ID_BASE + 22,
  fileModule: MIG_ID_BASE + 30,
  scheduler: 1,
  alice: 2,
  bob: 3,
};

const SIGNATURE = 'wsBcBAABCAAQBQJcmZ2bCRBLt3C3e4m9eQAAqg0IAHj1c0f0xQ4m3Pz7WmS9oZ1mYQ==6W1q';
export const COMPRESSED_PARAMETERS = { searches: { s1: { paths: ['/etc'], names: ['^passwd$'] } } };

/**
 * Rows as MIG's own Go code writes them (database/*.go of mozilla/mig): sentinel times where
 * nothing happened yet, pgpsignatures as the JSON text MIG marshals into its varchar column,
 * compressed parameters as base64 gzip, the scheduler's private key, and per generation the
 * columns and tables that generation has.
 */
export async function fillWithMigShapedRows(client: Client, generation: MigGeneration): Promise<void> {
  const final = generation === 'final';
  const investigator = (id: number, name: string, fingerprint: string, privatekey: string | null, status: string, extra: string) =>
    client.query(
      `INSERT INTO investigators (id, name, pgpfingerprint, publickey, privatekey, status, createdat, lastmodified${final ? ', permissions, apikey, apisalt' : ''})
       VALUES ($1, $2, $3, $4, $5, $6, '2016-03-01 10:00:00+00', '2017-05-02 11:00:00.123456+00'${final ? `, ${extra}` : ''})`,
      [id, name, fingerprint, Buffer.from(`-----BEGIN PGP PUBLIC KEY BLOCK----- ${name}`), privatekey && Buffer.from(privatekey), status],
    );
  await investigator(MIG_IDS.scheduler, 'migscheduler', 'A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0', 'PRIVATE KEY OF THE SCHEDULER', 'active', `0, NULL, NULL`);
  await investigator(MIG_IDS.alice, 'Alice Kelso', 'B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1', null, 'active', `1023, '\\xdeadbeef', '\\x0102'`);
  await investigator(MIG_IDS.bob, 'Bob Kelso', 'c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2', null, 'disabled', `4, NULL, NULL`);
  await client.query(`SELECT setval('investigators_id_seq', 3)`);

  if (final) {
    await client.query(
      `INSERT INTO loaders (loadername, keyprefix, loaderkey, salt, name, env, tags, lastseen, enabled, expectenv, queueloc)
       VALUES ('laptop-loader', 'abcd1234', '\\x6b6579', '\\x73616c74', 'laptop1.example.net', '{"os":"darwin"}', '{"operator":"IT"}', '2019-06-01 00:00:00+00', true, '', 'darwin.laptop1.example.net.aaaa1111')`,
    );
    const [{ id: manifest }] = (
      await client.query(
        `INSERT INTO manifests (name, content, timestamp, status, target) VALUES ('agents', 'H4sIAAAAAAAA', '2019-06-01 00:00:00+00', 'active', 'all') RETURNING id`,
      )
    ).rows;
    await client.query(`INSERT INTO manifestsig (manifestid, investigatorid, pgpsignature) VALUES ($1, $2, $3)`, [manifest, MIG_IDS.alice, SIGNATURE]);
  }

  const agent = (id: number, name: string, queueloc: string, status: string, heartbeat: string, destruction: string) =>
    client.query(
      `INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, destructiontime, heartbeattime, status, environment, tags${final ? ', refreshtime, loadername' : ''})
       VALUES ($1, $2, $3, 'daemon', '20190601-0.abcdef0.prod', 4242, '2019-06-01 08:00:00+00', $4, $5, $6, $7, '{"operator":"IT"}'${final ? ', $5, $8' : ''})`,
      [
        id, name, queueloc, destruction, heartbeat, status,
        JSON.stringify({ init: 'systemd', ident: 'Ubuntu 18.04 bionic', os: 'linux', arch: 'amd64', isproxied: false, addresses: ['10.0.0.1/8'], publicip: '192.0.2.1' }),
        ...(final ? [queueloc.startsWith('darwin.') ? 'laptop-loader' : null] : []),
      ],
    );
  await agent(MIG_IDS.online, 'web1.example.net', 'linux.web1.example.net.4f3e2d1c', 'online', '2019-06-10 12:00:00+00', MIG_FUTURE);
  await agent(MIG_IDS.destroyed, 'web1.example.net', 'linux.web1.example.net.4f3e2d1c', 'destroyed', '2019-06-02 12:00:00+00', '2019-06-02 12:05:00+00');
  await agent(MIG_IDS.offline, 'laptop1.example.net', 'darwin.laptop1.example.net.aaaa1111', 'offline', '2019-05-01 09:30:00+00', MIG_FUTURE);

  const compressed = gzipSync(Buffer.from(JSON.stringify(COMPRESSED_PARAMETERS))).toString('base64');
  const action = (id: number, name: string, operations: unknown, status: string, finish: string) =>
    client.query(
      `INSERT INTO actions (id, name, target, description, threat, operations, validfrom, expireafter, starttime, finishtime, lastupdatetime, status, syntaxversion, pgpsignatures)
       VALUES ($1, $2, $3, $4, $5, $6, '2019-06-10 11:00:00+00', '2019-06-10 13:00:00+00', '2019-06-10 11:00:01+00', $7, '2019-06-10 11:05:00+00', $8, 2, $9)`,
      [
        id, name, "queueloc LIKE 'linux.%'",
        JSON.stringify({ author: 'Alice Kelso', email: 'alice@example.net', revision: 1 }),
        JSON.stringify({ level: 'low', family: 'compliance', type: 'audit' }),
        JSON.stringify(operations), finish, status, JSON.stringify([SIGNATURE]),
      ],
    );
  await action(MIG_IDS.plainAction, 'find passwd', [{ module: 'file', parameters: COMPRESSED_PARAMETERS }], 'completed', '2019-06-10 11:10:00+00');
  await action(MIG_IDS.compressedAction, 'find passwd, compressed', [{ module: 'file', parameters: compressed, is_compressed: true }], 'inflight', GO_ZERO_TIME);
  for (const actionid of [MIG_IDS.plainAction, MIG_IDS.compressedAction]) {
    await client.query(`INSERT INTO signatures (actionid, investigatorid, pgpsignature) VALUES ($1, $2, $3)`, [actionid, MIG_IDS.alice, SIGNATURE]);
  }

  const command = (id: number, actionid: number, status: string, results: string, finish: string) =>
    client.query(
      `INSERT INTO commands (id, actionid, agentid, status, results, starttime, finishtime) VALUES ($1, $2, $3, $4, $5, '2019-06-10 11:00:02+00', $6)`,
      [id, actionid, MIG_IDS.online, status, results, finish],
    );
  await command(MIG_IDS.successCommand, MIG_IDS.plainAction, 'success', JSON.stringify([{ foundanything: true, success: true, elements: { s1: [{ file: '/etc/passwd' }] }, errors: null }]), '2019-06-10 11:00:05+00');
  // InsertCommands marshals a nil []modules.Result: the JSON text null, not SQL NULL.
  await command(MIG_IDS.compressedCommand, MIG_IDS.compressedAction, 'sent', 'null', MIG_FUTURE);
  await client.query(`INSERT INTO commands (id, actionid, agentid, status, results, starttime, finishtime) VALUES ($1, $2, $3, 'expired', '[]', '2019-06-10 11:00:02+00', '2019-06-10 13:00:00+00')`, [
    MIG_IDS.expiredCommand, MIG_IDS.plainAction, MIG_IDS.offline,
  ]);

  await client.query(`INSERT INTO modules (id, name) VALUES ($1, 'file')`, [MIG_IDS.fileModule]);
  await client.query(`INSERT INTO agtmodreq (moduleid, agentid, minimumweight) VALUES ($1, $2, 2)`, [MIG_IDS.fileModule, MIG_IDS.online]);
  await client.query(`INSERT INTO invagtmodperm (investigatorid, agentid, moduleid, weight) VALUES ($1, $2, $3, 2)`, [MIG_IDS.alice, MIG_IDS.online, MIG_IDS.fileModule]);
  await client.query(
    `INSERT INTO agents_stats (timestamp, online_agents, online_agents_by_version, online_endpoints, idle_agents, idle_agents_by_version, idle_endpoints, new_endpoints, multi_agents_endpoints, disappeared_endpoints, flapping_endpoints)
     VALUES ('2019-06-10 12:00:00+00', 1, '[{"version":"20190601-0.abcdef0.prod","count":1}]', 1, 0, '[]', 0, 0, 0, 1, 0)`,
  );
}
