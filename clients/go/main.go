// mig-data-scheduler-client does with the MIG data service what MIG's scheduler does, in Go with
// the code protoc generates from proto/ (see README "Using the API from other languages"): it
// forwards a batch of heartbeats, claims the pending actions, verifies each one's signatures with
// golang.org/x/crypto/openpgp as MIG's agents do, expands its target, creates, sends and finishes
// its commands and completes it. One line per step on stdout; on any failure a "FAIL:" line on
// stderr and exit status 1.
//
//	mig-data-scheduler-client -address 127.0.0.1:50051 -agents 3
//
// Its agents are named go-client-N.example.net (queueloc linux.go-client-N.example.net.goclient):
// an action whose target selects them, e.g. "name LIKE 'go-client-%'", runs on them. The first
// agent (by queueloc) reports that it found something, the others that they found nothing.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	migdatav1 "github.com/mozilla/mig-data/gen/go/mig/data/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func main() {
	address := flag.String("address", "127.0.0.1:50051", "the data service's host:port (plaintext: the service listens so on loopback)")
	agentCount := flag.Int("agents", 3, "how many agents to send heartbeats for")
	timeout := flag.Duration("timeout", time.Minute, "time limit for the whole run")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *address, *agentCount); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("OK")
}

// step names what failed, with the gRPC code and message when the service refused.
func step(name string, err error) error {
	if s, ok := status.FromError(err); ok && s.Code() != 0 {
		return fmt.Errorf("%s: %s: %s", name, s.Code(), s.Message())
	}
	return fmt.Errorf("%s: %w", name, err)
}

func run(ctx context.Context, address string, agentCount int) error {
	dialCtx, cancelDial := context.WithTimeout(ctx, 10*time.Second)
	defer cancelDial()
	conn, err := grpc.DialContext(dialCtx, address, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		return fmt.Errorf("connect: no data service answers at %s within 10 s (%v)", address, err)
	}
	defer conn.Close()
	c := clients{
		agents:        migdatav1.NewAgentServiceClient(conn),
		actions:       migdatav1.NewActionServiceClient(conn),
		commands:      migdatav1.NewCommandServiceClient(conn),
		fleet:         migdatav1.NewFleetServiceClient(conn),
		investigators: migdatav1.NewInvestigatorServiceClient(conn),
	}

	batch, err := heartbeats(agentCount)
	if err != nil {
		return step("build heartbeats", err)
	}
	registered, err := forwardHeartbeats(ctx, c, batch)
	if err != nil {
		return step("RecordHeartbeats", err)
	}
	fmt.Printf("heartbeats: %d recorded, %d new agents\n", len(batch), registered)

	claimed, err := c.actions.ClaimPendingActions(ctx, &migdatav1.ClaimPendingActionsRequest{Limit: 10})
	if err != nil {
		return step("ClaimPendingActions", err)
	}
	if len(claimed.GetActions()) == 0 {
		return fmt.Errorf("ClaimPendingActions: no pending action to run (create a signed action whose target selects go-client-* first)")
	}
	fmt.Printf("claimed: %d pending actions\n", len(claimed.GetActions()))

	investigators, err := activeInvestigators(ctx, c)
	if err != nil {
		return step("ListInvestigators", err)
	}
	for _, action := range claimed.GetActions() {
		if err := runAction(ctx, c, action, investigators); err != nil {
			return fmt.Errorf("action %d: %w", action.GetId(), err)
		}
	}
	return nil
}

// heartbeats are the batch the scheduler forwards: agents that started an hour ago, beating now.
func heartbeats(count int) ([]*migdatav1.Heartbeat, error) {
	tags, err := structpb.NewValue(map[string]interface{}{"operator": "go-client"})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	batch := make([]*migdatav1.Heartbeat, 0, count)
	for i := 1; i <= count; i++ {
		name := fmt.Sprintf("go-client-%d.example.net", i)
		batch = append(batch, &migdatav1.Heartbeat{
			Name:        name,
			Queueloc:    "linux." + name + ".goclient",
			Mode:        "daemon",
			Version:     "20190220-0.go-client",
			Pid:         int32(4000 + i),
			Starttime:   timestamppb.New(now.Add(-time.Hour)),
			Heartbeatts: timestamppb.New(now),
			Environment: &migdatav1.AgentEnvironment{Init: "systemd", Ident: "Debian 12", Os: "linux", Arch: "amd64", Addresses: []string{fmt.Sprintf("192.0.2.%d/24", i)}},
			Tags:        tags,
		})
	}
	return batch, nil
}

// runAction is what the scheduler and its agents do with one claimed action.
func runAction(ctx context.Context, c clients, action *migdatav1.Action, investigators []*migdatav1.Investigator) error {
	id := action.GetId()
	signed, err := canonicalString(action)
	if err != nil {
		return err
	}
	keyring, err := keyringOf(investigators)
	if err != nil {
		return err
	}
	signers, err := verifySignatures(signed, action.GetPgpsignatures(), keyring)
	if err != nil {
		return err
	}
	for index, fingerprint := range signers {
		fmt.Printf("action %d %q: signature %d verifies, signed by %s\n", id, action.GetName(), index+1, fingerprint)
	}
	// The check is real: the same signatures over an action with another target must not verify.
	tampered := strings.Replace(signed, ";target="+action.GetTarget()+";", ";target=true;", 1)
	if _, err := verifySignatures(tampered, action.GetPgpsignatures(), keyring); err == nil {
		return fmt.Errorf("its signatures also verify over a copy with another target")
	}
	fmt.Printf("action %d: a copy with another target is refused\n", id)

	if err := setActionStatus(ctx, c, id, "preparing"); err != nil {
		return step("UpdateActionStatus preparing", err)
	}
	agents, err := expandTarget(ctx, c, action.GetTarget())
	if err != nil {
		return step("ExpandTarget", err)
	}
	if len(agents) == 0 {
		if err := setActionStatus(ctx, c, id, "invalid"); err != nil {
			return step("UpdateActionStatus invalid", err)
		}
		return fmt.Errorf("its target %q selects no agent: set invalid", action.GetTarget())
	}
	fmt.Printf("action %d: target selects %d agents\n", id, len(agents))

	commandOf, created, err := createCommands(ctx, c, id, agents)
	if err != nil {
		return step("CreateCommands", err)
	}
	fmt.Printf("action %d: %d commands created\n", id, created)
	if err := setActionStatus(ctx, c, id, "inflight"); err != nil {
		return step("UpdateActionStatus inflight", err)
	}
	commandIDs := make([]int64, 0, len(agents))
	for _, agent := range agents {
		commandIDs = append(commandIDs, commandOf[agent.GetId()])
	}
	if err := markSent(ctx, c, commandIDs); err != nil {
		return step("MarkCommandSent", err)
	}
	fmt.Printf("action %d: %d commands sent\n", id, len(commandIDs))

	for index, agent := range agents {
		found := index == 0
		if err := finishCommand(ctx, c, commandOf[agent.GetId()], agent, len(action.GetOperations()), found); err != nil {
			return step("FinishCommand", err)
		}
		fmt.Printf("action %d: command %d on %s returned success, found anything: %t\n", id, commandOf[agent.GetId()], agent.GetName(), found)
	}

	landed, err := landAction(ctx, c, id)
	if err != nil {
		return step("FinishAction", err)
	}
	counters := landed.GetCounters()
	fmt.Printf("action %d: %s, sent=%d done=%d success=%d\n", id, landed.GetStatus(), counters.GetSent(), counters.GetDone(), counters.GetSuccess())
	if landed.GetStatus() != "completed" || counters.GetSuccess() != int64(len(agents)) {
		return fmt.Errorf("expected completed with %d successful commands", len(agents))
	}
	return nil
}
