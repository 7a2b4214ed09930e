package main

// The scheduler's calls to the data service, one function per step, in the order MIG's scheduler
// makes them (mozilla/mig mig-scheduler: heartbeats forwarded from the relay, SetupRunnableActions,
// processNewAction, flyAction, the returned commands, landAction).

import (
	"context"
	"fmt"
	"io"
	"time"

	migdatav1 "github.com/mozilla/mig-data/gen/go/mig/data/v1"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// clients holds one generated client per service the scheduler uses.
type clients struct {
	agents        migdatav1.AgentServiceClient
	actions       migdatav1.ActionServiceClient
	commands      migdatav1.CommandServiceClient
	fleet         migdatav1.FleetServiceClient
	investigators migdatav1.InvestigatorServiceClient
}

// forwardHeartbeats records the agents' heartbeats in one call, as the scheduler forwards what
// the relay collected. Returns how many registered a new agent.
func forwardHeartbeats(ctx context.Context, c clients, heartbeats []*migdatav1.Heartbeat) (int, error) {
	answer, err := c.agents.RecordHeartbeats(ctx, &migdatav1.RecordHeartbeatsRequest{Heartbeats: heartbeats})
	if err != nil {
		return 0, err
	}
	if len(answer.GetResults()) != len(heartbeats) {
		return 0, fmt.Errorf("%d heartbeats sent, %d results returned", len(heartbeats), len(answer.GetResults()))
	}
	registered := 0
	for _, result := range answer.GetResults() {
		if result.GetAgentId() <= 0 {
			return 0, fmt.Errorf("a heartbeat came back without an agent id")
		}
		if result.GetRegistered() {
			registered++
		}
	}
	return registered, nil
}

// activeInvestigators is every active investigator, page by page: the keys actions verify against.
func activeInvestigators(ctx context.Context, c clients) ([]*migdatav1.Investigator, error) {
	active := "active"
	var all []*migdatav1.Investigator
	token := ""
	for {
		page, err := c.investigators.ListInvestigators(ctx, &migdatav1.ListInvestigatorsRequest{Status: &active, PageToken: token})
		if err != nil {
			return nil, err
		}
		all = append(all, page.GetInvestigators()...)
		if token = page.GetNextPageToken(); token == "" {
			return all, nil
		}
	}
}

// setActionStatus moves an action along MIG's statuses (scheduled → preparing → inflight).
func setActionStatus(ctx context.Context, c clients, actionID int64, status string) error {
	_, err := c.actions.UpdateActionStatus(ctx, &migdatav1.UpdateActionStatusRequest{Id: actionID, Status: status})
	return err
}

// expandTarget returns the agents an action's target selects (one per queueloc).
func expandTarget(ctx context.Context, c clients, target string) ([]*migdatav1.Agent, error) {
	// ExpandTarget streams batches read from one snapshot; the stream ends with io.EOF.
	stream, err := c.fleet.ExpandTarget(ctx, &migdatav1.ExpandTargetRequest{Target: target})
	if err != nil {
		return nil, err
	}
	var agents []*migdatav1.Agent
	for {
		batch, err := stream.Recv()
		if err == io.EOF {
			return agents, nil
		}
		if err != nil {
			return nil, err
		}
		agents = append(agents, batch.GetAgents()...)
	}
}

// createCommands creates the action's commands for the agents and returns each agent's command id
// (agent id → command id) and how many this call created.
func createCommands(ctx context.Context, c clients, actionID int64, agents []*migdatav1.Agent) (map[int64]int64, int64, error) {
	agentIDs := make([]int64, 0, len(agents))
	for _, agent := range agents {
		agentIDs = append(agentIDs, agent.GetId())
	}
	answer, err := c.commands.CreateCommands(ctx, &migdatav1.CreateCommandsRequest{ActionId: actionID, AgentIds: agentIDs})
	if err != nil {
		return nil, 0, err
	}
	// The answer is packed parallel arrays: agent_ids[i] got command_ids[i].
	commandOf := make(map[int64]int64, len(answer.GetCommandIds()))
	for i, commandID := range answer.GetCommandIds() {
		commandOf[answer.GetAgentIds()[i]] = commandID
	}
	for _, agentID := range agentIDs {
		if commandOf[agentID] <= 0 {
			return nil, 0, fmt.Errorf("no command came back for agent %d", agentID)
		}
	}
	return commandOf, answer.GetCreatedCount(), nil
}

// markSent records that each command was written to its agent's queue.
func markSent(ctx context.Context, c clients, commandIDs []int64) error {
	for _, id := range commandIDs {
		answer, err := c.commands.MarkCommandSent(ctx, &migdatav1.MarkCommandSentRequest{Id: id})
		if err != nil {
			return fmt.Errorf("command %d: %w", id, err)
		}
		if status := answer.GetCommand().GetStatus(); status != "sent" {
			return fmt.Errorf("command %d is %s after MarkCommandSent", id, status)
		}
	}
	return nil
}

// moduleResult is one operation's result as MIG's modules return it.
func moduleResult(foundAnything bool) (*structpb.Value, error) {
	return structpb.NewValue(map[string]interface{}{
		"foundanything": foundAnything,
		"success":       true,
		"elements":      map[string]interface{}{},
		"statistics":    map[string]interface{}{"openfailed": 0},
		"errors":        []interface{}{},
	})
}

// finishCommand records a command the agent returned, with one result per operation.
func finishCommand(ctx context.Context, c clients, commandID int64, agent *migdatav1.Agent, operations int, foundAnything bool) error {
	results := make([]*structpb.Value, 0, operations)
	for i := 0; i < operations; i++ {
		result, err := moduleResult(foundAnything)
		if err != nil {
			return err
		}
		results = append(results, result)
	}
	answer, err := c.commands.FinishCommand(ctx, &migdatav1.FinishCommandRequest{
		Id:            commandID,
		Status:        "success",
		Results:       results,
		Finishtime:    timestamppb.New(time.Now()),
		AgentQueueloc: agent.GetQueueloc(),
		AgentPid:      agent.GetPid(),
	})
	if err != nil {
		return fmt.Errorf("command %d: %w", commandID, err)
	}
	if status := answer.GetCommand().GetStatus(); status != "success" {
		return fmt.Errorf("command %d is %s after FinishCommand", commandID, status)
	}
	return nil
}

// landAction completes the action once every command returned, and reads back its counters.
func landAction(ctx context.Context, c clients, actionID int64) (*migdatav1.Action, error) {
	if _, err := c.actions.FinishAction(ctx, &migdatav1.FinishActionRequest{Id: actionID}); err != nil {
		return nil, err
	}
	answer, err := c.actions.GetAction(ctx, &migdatav1.GetActionRequest{Id: actionID})
	if err != nil {
		return nil, err
	}
	return answer.GetAction(), nil
}
