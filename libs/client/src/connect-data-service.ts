import { credentials, type ChannelOptions } from '@grpc/grpc-js';
import {
  ActionServiceClient,
  ActionServiceService,
  AgentServiceClient,
  AgentServiceService,
  CommandServiceClient,
  CommandServiceService,
  FleetServiceClient,
  FleetServiceService,
  SearchServiceClient,
  SearchServiceService,
  InvestigatorServiceClient,
  InvestigatorServiceService,
  PermissionServiceClient,
  PermissionServiceService,
} from '@mig-data/contract';
import { promiseClient, type PromiseClient } from './promise-client';

export interface DataServiceClients {
  agents: PromiseClient<AgentServiceClient>;
  actions: PromiseClient<ActionServiceClient>;
  commands: PromiseClient<CommandServiceClient>;
  investigators: PromiseClient<InvestigatorServiceClient>;
  permissions: PromiseClient<PermissionServiceClient>;
  fleet: PromiseClient<FleetServiceClient>;
  search: PromiseClient<SearchServiceClient>;
  /** Closes the channel shared by all the clients. */
  close(): void;
}

export interface ConnectOptions {
  /** Default deadline of each call in milliseconds (default 60 s: bulk calls move 100,000 rows). */
  timeoutMs?: number;
  /** Largest message sent or received (default 64 MiB, as the service). */
  maxMessageBytes?: number;
  /** TLS: the CA that signed the service's certificate, and this client's certificate and key (PEM) for mutual TLS. Unset: plaintext. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
}

/** Clients for every service at `address` (host:port), sharing one channel. */
export function connectDataService(address: string, options: ConnectOptions = {}): DataServiceClients {
  const maxMessageBytes = options.maxMessageBytes ?? 64 * 1024 * 1024;
  const channelOptions: ChannelOptions = {
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  };
  const channelCredentials = options.tls ? credentials.createSsl(options.tls.ca, options.tls.key ?? null, options.tls.cert ?? null) : credentials.createInsecure();
  const agentClient = new AgentServiceClient(address, channelCredentials, channelOptions);
  // The other clients reuse the first one's channel.
  const shared = { ...channelOptions, channelOverride: agentClient.getChannel() };
  const actionClient = new ActionServiceClient(address, channelCredentials, shared);
  const commandClient = new CommandServiceClient(address, channelCredentials, shared);
  const investigatorClient = new InvestigatorServiceClient(address, channelCredentials, shared);
  const permissionClient = new PermissionServiceClient(address, channelCredentials, shared);
  const fleetClient = new FleetServiceClient(address, channelCredentials, shared);
  const searchClient = new SearchServiceClient(address, channelCredentials, shared);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    agents: promiseClient(agentClient, AgentServiceService, timeoutMs),
    actions: promiseClient(actionClient, ActionServiceService, timeoutMs),
    commands: promiseClient(commandClient, CommandServiceService, timeoutMs),
    investigators: promiseClient(investigatorClient, InvestigatorServiceService, timeoutMs),
    permissions: promiseClient(permissionClient, PermissionServiceService, timeoutMs),
    fleet: promiseClient(fleetClient, FleetServiceService, timeoutMs),
    search: promiseClient(searchClient, SearchServiceService, timeoutMs),
    close: () => agentClient.close(),
  };
}
