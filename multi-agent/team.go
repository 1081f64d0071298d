package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
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
		Session:     tc.session,
		Trace:       tc.trace,
		Logger:      tc.logger,
		LogLevel:    tc.logLevel,
		MaxLLMCalls: 6,
		Retries:     1,
	}
}

// delegate runs the coordinator on request, printing each delegation and
// its result as it happens, and returns the answer and the stats — which
// count the sub-agents' LLM calls and tokens too.
func delegate(coordinator aigentic.Agent, request string, out io.Writer) (string, aigentic.Stats, error) {
	r, err := coordinator.Start(request)
	if err != nil {
		return "", aigentic.Stats{}, err
	}
	for ev := range r.Next() {
		printEvent(out, ev, r.ID())
	}
	answer, err := r.Wait(0)
	return answer, r.Stats(), err
}

// printEvent shows one event of the run tree: the coordinator's
// delegations, and — indented — what the sub-agents do meanwhile (their
// events arrive on the coordinator's Next() with their own run IDs).
func printEvent(out io.Writer, ev aigentic.Event, coordinatorRun string) {
	if ev.ID() != coordinatorRun {
		switch e := ev.(type) {
		case *aigentic.ToolEvent:
			fmt.Fprintf(out, "   .. sub-agent calls %s %s\n", e.ToolName, e.Arguments)
		case *aigentic.ToolResponseEvent:
			status := "ok"
			if e.Error {
				status = "error"
			}
			fmt.Fprintf(out, "   .. %s returned (%s, %d bytes)\n", e.ToolName, status, len(e.Result.String()))
		case *aigentic.RetryEvent:
			fmt.Fprintf(out, "   .. sub-agent retrying %s after: %v\n", e.Step, e.Err)
		}
		return
	}
	switch e := ev.(type) {
	case *aigentic.ToolEvent:
		fmt.Fprintf(out, "\n-> coordinator delegates to %s:\n%s\n", e.ToolName, indent(brief(delegationInput(e.Arguments))))
	case *aigentic.ToolResponseEvent:
		if e.Error {
			fmt.Fprintf(out, "<- %s FAILED (the coordinator gets this error result):\n%s\n", e.ToolName, indent(e.Result.String()))
		} else {
			fmt.Fprintf(out, "<- %s answered:\n%s\n", e.ToolName, indent(brief(e.Result.String())))
		}
	case *aigentic.RetryEvent:
		fmt.Fprintf(out, "   retrying %s of the coordinator after: %v\n", e.Step, e.Err)
	}
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

// Limits of the text printed for a delegation as it happens; the whole
// text is in the answer and the trace files.
const (
	briefLines = 6
	briefRunes = 480
)

// brief shortens s to briefLines lines and briefRunes runes.
func brief(s string) string {
	s = strings.TrimRight(s, "\n")
	total := utf8.RuneCountInString(s)
	cut := s
	if lines := strings.SplitN(cut, "\n", briefLines+1); len(lines) > briefLines {
		cut = strings.Join(lines[:briefLines], "\n")
	}
	if r := []rune(cut); len(r) > briefRunes {
		cut = string(r[:briefRunes])
	}
	if cut == s {
		return s
	}
	return fmt.Sprintf("%s… [%d more characters; the trace has it all]", strings.TrimRight(cut, " \n"), total-utf8.RuneCountInString(cut))
}

func indent(s string) string {
	return "   " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n   ")
}
