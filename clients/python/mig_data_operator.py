#!/usr/bin/python3
"""What an operator does with the MIG data service, in Python with the code protoc and
grpc_python_plugin generate from proto/ (README "Using the API from other languages"):

  - lists the agents gone offline (FleetService.ListOfflineAgents, every page),
  - registers an investigator from an armored public key (InvestigatorService.CreateInvestigator),
  - finds the commands that found something (SearchService.SearchCommands, foundanything=true),
  - shows what a Python caller gets for a bad request: grpc.RpcError with code()
    StatusCode.INVALID_ARGUMENT and details() naming the field.

Run with Debian's python3 (python3-grpcio, python3-protobuf) and the generated code on the path:

  PYTHONPATH=clients/.gen/python /usr/bin/python3 clients/python/mig_data_operator.py \\
      --address 127.0.0.1:50051 --investigator-name "Jane Doe" --investigator-key jane.asc

One line per result on stdout; on any failure a "FAIL:" line on stderr and exit status 1.
"""

import argparse
import sys

import grpc
from google.protobuf import duration_pb2

from mig.data.v1 import agent_service_pb2, agent_service_pb2_grpc
from mig.data.v1 import fleet_service_pb2, fleet_service_pb2_grpc
from mig.data.v1 import investigator_service_pb2, investigator_service_pb2_grpc
from mig.data.v1 import search_service_pb2, search_service_pb2_grpc


def offline_agents(channel, silent_minutes):
    """Every agent name seen within 30 days but silent for `silent_minutes`, page by page."""
    fleet = fleet_service_pb2_grpc.FleetServiceStub(channel)
    names, token = [], ""
    while True:
        page = fleet.ListOfflineAgents(
            fleet_service_pb2.ListOfflineAgentsRequest(
                silent_for=duration_pb2.Duration(seconds=silent_minutes * 60), page_token=token
            )
        )
        names.extend(page.names)
        token = page.next_page_token
        if not token:
            return names


def register_investigator(channel, name, key_file):
    with open(key_file, encoding="utf-8") as key:
        publickey = key.read()
    investigators = investigator_service_pb2_grpc.InvestigatorServiceStub(channel)
    answer = investigators.CreateInvestigator(
        investigator_service_pb2.CreateInvestigatorRequest(name=name, publickey=publickey)
    )
    return answer.investigator


def commands_that_found_something(channel):
    search = search_service_pb2_grpc.SearchServiceStub(channel)
    answer = search.SearchCommands(
        search_service_pb2.SearchCommandsRequest(
            filter=search_service_pb2.SearchFilter(foundanything=True, limit=100)
        )
    )
    return answer.commands


def invalid_argument_example(channel):
    """A bad filter: the service answers INVALID_ARGUMENT, which grpc raises as an RpcError."""
    agents = agent_service_pb2_grpc.AgentServiceStub(channel)
    try:
        agents.ListAgents(agent_service_pb2.ListAgentsRequest(status="sleeping"))
    except grpc.RpcError as error:
        return error.code(), error.details()
    raise RuntimeError('ListAgents(status="sleeping") was accepted')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", default="127.0.0.1:50051", help="the data service's host:port (plaintext, loopback)")
    parser.add_argument("--silent-minutes", type=int, default=5, help="how long an agent must be silent to count as offline")
    parser.add_argument("--investigator-name", required=True)
    parser.add_argument("--investigator-key", required=True, help="file with the investigator's armored public key")
    args = parser.parse_args()

    with grpc.insecure_channel(args.address) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=10)
        except grpc.FutureTimeoutError:
            raise RuntimeError(f"no data service answers at {args.address} within 10 s") from None

        names = offline_agents(channel, args.silent_minutes)
        print(f"offline agents: {len(names)}: {', '.join(names)}")

        investigator = register_investigator(channel, args.investigator_name, args.investigator_key)
        print(f"investigator registered: id={investigator.id} name={investigator.name} "
              f"fingerprint={investigator.pgpfingerprint} status={investigator.status}")

        for command in commands_that_found_something(channel):
            print(f"found something: command {command.id} of action {command.action.id} "
                  f"({command.action.name}) on {command.agent.name}, {command.status}")

        code, details = invalid_argument_example(channel)
        print(f'error case: ListAgents(status="sleeping") -> {code.name} ({code.value[0]}): {details}')
        if code != grpc.StatusCode.INVALID_ARGUMENT:
            raise RuntimeError(f"expected INVALID_ARGUMENT, got {code.name}")
    print("OK")


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as error:
        print(f"FAIL: {error.code().name}: {error.details()}", file=sys.stderr)
        sys.exit(1)
    except Exception as error:  # every failure ends the run with one line and status 1
        print(f"FAIL: {error}", file=sys.stderr)
        sys.exit(1)
