package main

import (
	"encoding/json"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The sub-agents' names; each is offered to the coordinator as a tool
// named after it, lowercased: "researcher" and "writer".
const (
	researcherName = "Researcher"
	writerName     = "Writer"
)

// models are the models of the three agents: the same one in the
// program, scripted ones in tests.
type models struct {
	coordinator, researcher, writer ai.Model
}

// TeamBudget is the coordinator's Budget: at most 8 model calls for the
// whole team — the coordinator and its sub-agents draw from it together.
// Each agent's own MaxLLMCalls (6, 4 and 2) bounds only that agent: a team
// whose models never stop calling tools would make up to 26 model calls
// without it (the coordinator's 6 calls, each of the first 5 delegating
// to a researcher run of 4; unbudgeted computes it) — more if a model
// asks for several delegations in one answer.
var TeamBudget = aigentic.Budget{MaxLLMCalls: 8}

// teamConfig is what the team is built from.
type teamConfig struct {
	models models
	notes  []note
	// session, trace, logger and logLevel are the coordinator's; the
	// runtime hands them down to the sub-agents' runs.
	session  *aigentic.Session
	trace    *aigentic.Trace
	logger   *slog.Logger
	logLevel slog.Level
}

// newTeam returns the coordinator, with the researcher and the writer as
// its sub-agents.
func newTeam(tc teamConfig) aigentic.Agent {
	researcher := aigentic.Agent{
		Name:        researcherName,
		Description: "Research a topic in the team's notes and report the facts found, naming the note each comes from.",
		Instructions: "You are the researcher of a small team. Search the team's notes with search_notes, then report the facts " +
			"that answer the request as a short list, naming the note each fact comes from. Report only what the notes say.",
		Model:       tc.models.researcher,
		AgentTools:  []aigentic.AgentTool{searchNotesTool(tc.notes)},
		MaxLLMCalls: 4,
		Retries:     1,
	}
	writer := aigentic.Agent{
		Name:        writerName,
		Description: "Write a short, clear text for the team from the facts it is given.",
		Instructions: "You are the writer of a small team. Turn the request and the facts you are given into a short, " +
			"clear summary for the team, in plain words. Use only the facts given.",
		Model:       tc.models.writer,
		MaxLLMCalls: 2,
		Retries:     1,
	}
	return aigentic.Agent{
		Name: "coordinator",
		Instructions: "You coordinate a small team: a researcher and a writer. For every request, first ask the researcher " +
			"for the facts, then give the writer the request together with the researcher's findings, and answer with the " +
			"writer's text. If a team member fails, say so plainly and answer with what you have.",
		Model:       tc.models.coordinator,
		Agents:      []aigentic.Agent{researcher, writer},
		Budget:      TeamBudget,
		Session:     tc.session,
		Trace:       tc.trace,
		Logger:      tc.logger,
		LogLevel:    tc.logLevel,
		MaxLLMCalls: 6,
		Retries:     1,
	}
}

// delegate runs the coordinator on request, printing each delegation and
// its result as it happens, one line each, and returns the answer, the
// delegations as they happened, and the stats — which count the
// sub-agents' LLM calls and tokens too.
func delegate(coordinator aigentic.Agent, request string, p *cli.Printer) (string, *teamLog, aigentic.Stats, error) {
	log := &teamLog{}
	r, err := coordinator.Start(request)
	if err != nil {
		return "", log, aigentic.Stats{}, err
	}
	answer, err := p.Follow(r, func(ev aigentic.Event) bool {
		if ev.ID() == r.ID() {
			log.note(ev)
		}
		return printDelegation(p, ev, r.ID())
	})
	return answer, log, r.Stats(), err
}

// printDelegation shows the coordinator's delegations and their results;
// a sub-agent's own events (they arrive on the coordinator's Next() with
// their own run IDs) are printed by the printer, one level deeper.
func printDelegation(p *cli.Printer, ev aigentic.Event, coordinatorRun string) bool {
	if ev.ID() != coordinatorRun {
		indent := p.Indent
		p.Indent += "  "
		p.Event(ev)
		p.Indent = indent
		return true
	}
	switch e := ev.(type) {
	case *aigentic.ToolEvent:
		p.Say("%s coordinator delegates to %s: %s", cli.ArrowCall, e.ToolName, cli.Clip(delegationInput(e.Arguments), 90))
	case *aigentic.ToolResponseEvent:
		if e.Error {
			p.Say("%s %s failed; the coordinator gets the error as a tool result: %s", cli.MarkError, e.ToolName, cli.Clip(e.Result.String(), 120))
		} else {
			p.Say("%s %s answered (%d characters): %s", cli.ArrowResult, e.ToolName, len(e.Result.String()), cli.Clip(e.Result.String(), 80))
		}
	default:
		return false
	}
	return true
}

// delegationInput is the "input" a sub-agent gets, or the raw arguments.
func delegationInput(arguments string) string {
	var args struct {
		Input string `json:"input"`
	}
	if err := json.Unmarshal([]byte(arguments), &args); err != nil || args.Input == "" {
		return arguments
	}
	return args.Input
}
