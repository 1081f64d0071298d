// Package offline is the built-in offline model: a deterministic [ai.Model] that needs no API key and no network, so
// every example runs anywhere. It is not a language model and knows no facts nor any particular tool. From the request
// alone (messages, and the tools' names, descriptions and JSON schemas) it chooses the tools whose words and schemas
// fit the user's message, fills their arguments by the schemas (pattern, enum, format, bounds, the examples' shapes,
// ID-like words, quotes, cues, numbers in the unit asked), asks for a required value it cannot find, chains sub-agents,
// answers from the tool results, and writes the typed answers Request.ResponseFormat asks for. Every value is checked
// against its schema. The rules, weights and limits are in this folder's README.md.
package offline

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Name is the model name and provider name of the offline model.
const Name = "offline"

// Model is the offline model. It holds no state: it is safe for concurrent use.
type Model struct{}

// NewModel returns the offline model.
func NewModel() *Model { return &Model{} }

// ModelName implements [ai.Model]; it is always "offline".
func (m *Model) ModelName() string { return Name }

// Ping implements [ai.Model]: it fails only when ctx has ended.
func (m *Model) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("offline: ping: %w", err)
	}
	return &ai.PingResult{Provider: Name, Model: Name, Detail: "built-in deterministic model, no network"}, nil
}

// Generate implements [ai.Model], streaming word by word. Errors: no messages, a permanent *ai.ModelError; ctx.Err().
func (m *Model) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	} else if len(req.Messages) == 0 {
		return nil, &ai.ModelError{Provider: Name, Code: "invalid_request", Message: "the request has no messages"}
	}
	content, calls := respond(req)
	resp := &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: content, ToolCalls: calls}, Model: Name,
		FinishReason: map[bool]string{false: "stop", true: "tool_calls"}[len(calls) > 0],
		Usage:        ai.Usage{InputTokens: estimate(req.Messages, req.Tools, req.ResponseFormat), OutputTokens: estimate(content, calls)}}
	for _, piece := range pieceRe.FindAllString(content, -1) { // a word and the space after it
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("offline: %w", err)
		} else if req.OnDelta != nil {
			req.OnDelta(piece)
		}
	}
	return resp, nil
}

// estimate counts one token per four characters of JSON, at least 1 (an unencodable tool schema counts as nothing).
func estimate(v ...any) int { b, _ := json.Marshal(v); return max(1, (len(b)+3)/4) }

// respond calls tools on the first turn after a user message (or a chain's next), else answers, typed or in text.
func respond(req ai.Request) (string, []ai.ToolCall) {
	c := read(req)
	plans, chain := choose(c.user, c.tools)
	var calls []ai.ToolCall
	for _, p := range plans {
		calls = append(calls, p.calls...)
	}
	switch next, i := c.next(chain), slices.IndexFunc(plans, func(p *plan) bool { return len(p.missing) > 0 }); {
	case next != nil:
		return "", c.assignIDs(next)
	case len(calls) > 0 && len(c.calls) == 0 && !c.answered:
		return "", c.assignIDs(calls)
	case req.ResponseFormat != nil:
		return typed(req.ResponseFormat, c), nil
	case len(c.calls) > 0:
		return c.final(plans, chain), nil
	case i >= 0:
		return ask(plans[i]), nil
	}
	return plain(c.user, req.Tools, c.tools), nil
}

// assignIDs names calls "call_<turn>_<n>", IDs not in the conversation.
func (c *conv) assignIDs(calls []ai.ToolCall) []ai.ToolCall {
	for i, turn := 0, c.turns+1; i < len(calls); i++ {
		if calls[i].ID = fmt.Sprintf("call_%d_%d", turn, i+1); c.ids[calls[i].ID] {
			turn, i = turn+1, -1
		}
	}
	return calls
}

// threshold is the evidence a tool needs to fit: a name word 3 (generic 1), a description word 1 (3 at most), values.
const threshold = 3

// tinfo is a tool as the model reads it.
type tinfo struct {
	t    ai.Tool
	root *prop           // its input schema
	name map[string]int  // stems of its name's words, and their weight
	desc map[string]bool // stems of its description's other words
}

// plan is a chosen tool: its calls, or what is missing.
type plan struct {
	ti      *tinfo
	calls   []ai.ToolCall
	missing []*prop
}

// score rates how well the tool fits text, and fills its arguments.
func (ti *tinfo) score(text, own string) (int, *filler, map[string]any, []*prop) {
	sc, d := 0, 0
	for w := range set(strings.Join(words(text), " "), false) {
		if sc += ti.name[w]; ti.desc[w] {
			d++
		}
	}
	f := &filler{src: newSrc(text), own: own, at: map[string]tok{}, skip: ti.name}
	args, missing, ev := f.object(ti.root.props, 0)
	return sc + min(d, 3) + ev, f, args, missing
}

// refused says why ti must not be called for text, else "": text negates its action, its name's first word or a
// destructive one (see negRe), or that is destructive and text does not name it (a value alone: no request).
func (ti *tinfo) refused(text string) string {
	for i, a := range strings.Fields(strings.ToLower(splitIdent(ti.t.Name))) {
		if act := canon(a); (i == 0 || destructive[act]) && slices.ContainsFunc(find(negRe, text, 1), func(t tok) bool { return canon(t.text) == act }) {
			return fmt.Sprintf("I did not call %s: your message says not to %s, so I did nothing.", ti.t.Name, a)
		} else if destructive[act] && !slices.Contains(words(text), act) {
			return fmt.Sprintf("I did not call %s: it would %s, and your message does not ask me to %s.", ti.t.Name, a, a)
		}
	}
	return ""
}

// choose picks each clause's best fitting tool but those refused for the request (filling it from its own clauses and
// those no tool claimed), else the request's. Single-input tools form a chain: two or more run in order.
func choose(user string, tis []*tinfo) (plans, chain []*plan) {
	cls, tis := clauses(user), slices.DeleteFunc(slices.Clone(tis), func(ti *tinfo) bool { return ti.refused(user) != "" })
	owner, claims := make([]*tinfo, len(cls)), map[*tinfo][]string{}
	for k := 0; k < len(cls) && len(cls) > 1 && len(cls) <= 8; k++ {
		if owner[k] = best(tis, cls[k].text); owner[k] != nil {
			claims[owner[k]] = append(claims[owner[k]], cls[k].text)
		}
	}
	if len(claims) == 0 {
		if ti := best(tis, user); ti != nil {
			claims[ti], owner = []string{user}, append(owner, ti)
		}
	}
	for _, ti := range owner {
		if ti == nil || slices.ContainsFunc(plans, func(p *plan) bool { return p.ti == ti }) {
			continue
		}
		text, parts := user, []string(nil)
		for j, c := range cls {
			if owner[j] == ti || owner[j] == nil {
				parts = append(parts, c.text)
			}
		}
		if len(claims) > 1 { // other tools claim some clauses: its own and those no tool claimed
			text = strings.Join(parts, "\n")
		}
		plans = append(plans, fill(ti, text, strings.Join(claims[ti], "\n")))
		if len(ti.root.props) == 1 && ti.root.props[0].free { // a sub-agent's {"input"}
			chain = append(chain, plans[len(plans)-1])
		}
	}
	for i := 1; i < len(chain); i++ { // they wait for the previous one's result
		chain[i].calls = nil
	}
	return plans, chain
}

// best returns the first of the tools fitting text best but those refused for it (see refused), or nil.
func best(tis []*tinfo, text string) (top *tinfo) {
	for topScore, i := threshold-1, 0; i < len(tis); i++ {
		if sc, _, _, _ := tis[i].score(text, text); sc > topScore && tis[i].refused(text) == "" {
			top, topScore = tis[i], sc
		}
	}
	return top
}

// fill plans a tool: one call per strong value of one property ("Asia/Tokyo and Europe/Paris"), with arguments its
// schema accepts (else without the optional ones); with none, it asks for the required ones.
func fill(ti *tinfo, text, own string) *plan {
	_, f, args, missing := ti.score(text, own)
	p, key, vals := &plan{ti: ti, missing: missing}, (*prop)(nil), []any(nil)
	for _, pr := range ti.root.props { // a property without a strong value, or not a string or number, finds none
		g := &filler{src: f.src, used: slices.DeleteFunc(slices.Clone(f.used), func(u tok) bool { return u == f.at[pr.name] })}
		c, _ := g.value(&prop{typ: "array", items: pr, s: map[string]any{"maxItems": 5.0}}, 0, 0) // its values, 5 at most
		if vs, _ := c.v.([]any); len(vs) > 1 && key != nil {
			key, vals = nil, nil // two properties vary: which value goes with which is unclear
			break
		} else if len(vs) > 1 {
			key, vals = pr, vs
		}
	}
	for i := 0; i < max(1, len(vals)) && len(missing) == 0; i++ {
		a := maps.Clone(args)
		if key != nil {
			a[key.name] = vals[i]
		}
		for _, pr := range ti.root.props {
			if !pr.required && !ti.root.valid(a) {
				delete(a, pr.name)
			}
		}
		if ti.root.valid(a) {
			args, _ := json.Marshal(a) // JSON values only
			p.calls = append(p.calls, ai.ToolCall{Name: ti.t.Name, Arguments: string(args)})
		}
	}
	if len(p.calls) == 0 && len(missing) == 0 { // the schema refuses what was found: all the required ones
		p.missing = slices.DeleteFunc(slices.Clone(ti.root.props), func(pr *prop) bool { return !pr.required })
	}
	return p
}
