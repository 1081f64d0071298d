package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

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
		switch {
		case errors.Is(err, conversation.ErrCorrupt):
			// The store never overwrites a corrupt file; -reset asked to
			// forget it, so it is moved aside, kept byte for byte.
			aside, merr := moveAside(path, time.Now())
			if merr != nil {
				return res, fmt.Errorf("-reset: %w; moving it aside failed too: %w", err, merr)
			}
			d.p.Line("-reset: the stored conversation could not be read; moved it to %s.", aside)
		case err != nil:
			return res, err
		default:
			d.p.Line("-reset: forgot the %s stored.", plural(n, "turn"))
		}
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
	res.shown = d.tell(resumeVerdict(resumed{
		path: path, again: "go run ./chat" + flagsToRepeat(d.cfg),
		before: before, after: after, asked: len(questions), replies: replies,
		offline: d.model.ModelName() == offline.Name,
	}))
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

// moveAside renames the file at path to path + ".corrupt-" + now as
// 20060102T150405Z (UTC), next to it, and returns the new name. It
// refuses to replace a file already there (os.Link, then os.Remove).
func moveAside(path string, now time.Time) (string, error) {
	aside := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	if err := os.Link(path, aside); err != nil {
		return "", err
	}
	return aside, os.Remove(path)
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
