package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// resume is demo 1: the customer's conversation in the file store. A
// first run asks DemoFirst; a later run asks -q (DemoFollowUp by default)
// in the conversation the earlier process stored. The verdict reads the
// store again, as a new process would.
func (d *desk) resume() (demo, error) {
	d.heading(1, "A conversation that outlives the process (conversation.FileStore)")
	res := demo{name: "a conversation resumed"}
	path, err := d.store.Path(d.cfg.user)
	if err != nil {
		return res, err
	}
	if d.cfg.reset {
		n, err := forget(d, d.cfg.user)
		if err != nil {
			return res, err
		}
		d.p.Line("-reset: forgot the %s stored.", plural(n, "turn"))
	}
	before, err := stored(d, d.cfg.user)
	if err != nil {
		return res, err
	}
	if len(before) == 0 {
		d.p.Line("Conversation %q: %s, nothing stored yet.", d.cfg.user, path)
	} else {
		d.p.Line("Conversation %q: %s, %s stored by an earlier run; the latest question: %q",
			d.cfg.user, path, plural(turns(before), "turn"), cli.Clip(lastQuestion(before), 80))
	}
	questions := []string{d.cfg.Question}
	if !d.cfg.Set["q"] && len(before) == 0 {
		questions = DemoFirst
	}
	c, err := d.chat(d.store, d.cfg.user, d.compactor)
	if err != nil {
		return res, err
	}
	var replies []*Reply
	for i, q := range questions {
		r, err := ask(d.ctx, c, q)
		if r == nil {
			return res, err
		}
		d.showTurn(turns(before)+i+1, q, r)
		if err != nil {
			return res, err
		}
		replies = append(replies, r)
	}

	// The verdict: what a new process finds in the file.
	after, err := reread(d)
	if err != nil {
		return res, err
	}
	added := turns(after) - turns(before)
	first := replies[0]
	switch {
	case len(before) == 0 && added == len(questions):
		d.p.Good("Stored: %s (%d messages) in %s, read back by a store opened afresh.", plural(turns(after), "turn"), len(after), path)
		d.p.Line("Run it again: the next process resumes this conversation.")
		d.p.Line("  go run ./chat%s", flagsToRepeat(d.cfg))
		res.shown = true
		return res, nil
	case len(before) == 0:
		d.p.Bad("The store holds %s after %s asked.", plural(turns(after), "turn"), plural(len(questions), "question"))
		return res, nil
	case turns(first.History) == turns(before) && added == len(questions):
		d.p.Good("Resumed: this run started from the %s an earlier process stored, and the file now holds %s.",
			plural(turns(before), "turn"), plural(turns(after), "turn"))
		res.shown = true
	default:
		d.p.Bad("Not resumed: the run was given %s of the %s stored; the file holds %s.",
			plural(turns(first.History), "turn"), plural(turns(before), "turn"), plural(turns(after), "turn"))
		return res, nil
	}
	// Whether the model used them is the model's doing: said, not assumed.
	last := replies[len(replies)-1]
	signers := earlierSigners(before, last.Added)
	switch {
	case len(signers) == 0:
	case slices.ContainsFunc(signers, func(s string) bool { return strings.Contains(last.Answer, s) }):
		d.p.Good("The answer names who signed for the parcel according to the earlier turns' tool results (%s): the model read them.", strings.Join(signers, ", "))
	default:
		why := ""
		if d.model.ModelName() == offline.Name {
			why = " (the offline model reads only the latest message; a model that reads the conversation answers from it)"
		}
		d.p.NotSeen("The answer does not name %s, who signed for the parcel according to the earlier turns: this model did not use them%s.", strings.Join(signers, " or "), why)
	}
	return res, nil
}

// stored is the conversation id as the program's store holds it.
func stored(d *desk, id string) ([]ai.Message, error) {
	conv, err := conversation.New(d.store, id, conversation.Options{})
	if err != nil {
		return nil, err
	}
	return conv.Load(d.ctx)
}

// reread is the customer's conversation as a store opened afresh on the
// same directory reads it: what the next process will find.
func reread(d *desk) ([]ai.Message, error) {
	fresh, err := conversation.OpenFileStore(d.cfg.dir, conversation.FileLimits{})
	if err != nil {
		return nil, err
	}
	conv, err := conversation.New(fresh, d.cfg.user, conversation.Options{})
	if err != nil {
		return nil, err
	}
	return conv.Load(d.ctx)
}

// forget removes every segment of conversation id; it returns the turns
// it held.
func forget(d *desk, id string) (int, error) {
	segs, err := d.store.Load(d.ctx, id)
	if err != nil {
		return 0, err
	}
	keys, n := make([]string, len(segs)), 0
	for i, s := range segs {
		keys[i] = s.Key
		n += turns(s.Messages)
	}
	return n, d.store.Delete(d.ctx, id, keys)
}

// earlierSigners are who signed for a parcel according to the tool
// results of the stored conversation, less those the new run's own tool
// results name: what an answer can only take from the earlier turns.
func earlierSigners(before, added []ai.Message) []string {
	var now strings.Builder
	for _, m := range added {
		if m.Role == ai.RoleTool {
			now.WriteString(m.Content)
		}
	}
	var out []string
	for _, m := range before {
		if m.Role != ai.RoleTool {
			continue
		}
		if s := signedBy.FindStringSubmatch(m.Content); s != nil && !strings.Contains(now.String(), s[1]) && !slices.Contains(out, s[1]) {
			out = append(out, s[1])
		}
	}
	return out
}

// flagsToRepeat returns the -user and -dir flags the user gave, to repeat
// in the suggested command.
func flagsToRepeat(cfg config) string {
	var b strings.Builder
	if cfg.Set["user"] {
		fmt.Fprintf(&b, " -user %s", cfg.user)
	}
	if cfg.Set["dir"] {
		fmt.Fprintf(&b, " -dir %s", cli.ShellQuote(cfg.dir))
	}
	return b.String()
}
