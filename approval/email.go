package main

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// Limits of an e-mail the tool accepts. The schema's maxLength tags on
// email say the same, so the model is told and a longer value is refused
// before anyone is asked (TestSchemaStatesTheLimits keeps them equal).
const (
	// maxAddressRunes is the longest address: RFC 5321's 256-octet path,
	// less its angle brackets (RFC 3696 errata 1690).
	maxAddressRunes = 254
	maxSubjectRunes = 200
	maxBodyBytes    = 10 << 10 // 10 KiB
)

// email is one message the tool was asked to send.
type email struct {
	To      string `json:"to" description:"The recipient's e-mail address, e.g. alice@example.com." jsonschema:"maxLength=254"`
	Subject string `json:"subject" description:"The subject line, one line of at most 200 characters." jsonschema:"maxLength=200"`
	Body    string `json:"body" description:"The plain-text body of the e-mail, at most 10 KiB."`
}

// outbox stands in for a mail server: sending appends to it, and the
// example prints it at the end. Nothing leaves the machine.
type outbox struct {
	mu   sync.Mutex
	sent []email
	runs int // times the tool's body ran, valid input or not
}

// send records e and returns its message ID.
func (o *outbox) send(e email) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, e)
	return fmt.Sprintf("msg-%d", len(o.sent))
}

// Sent returns a copy of the e-mails sent.
func (o *outbox) Sent() []email {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]email(nil), o.sent...)
}

// Runs is how many times the send_email tool executed.
func (o *outbox) Runs() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.runs
}

func (o *outbox) noteRun() {
	o.mu.Lock()
	o.runs++
	o.mu.Unlock()
}

// print writes the outbox for the user.
func (o *outbox) print(p *cli.Printer) {
	sent := o.Sent()
	if len(sent) == 0 {
		p.Line("Outbox: empty (nothing was sent)")
		return
	}
	p.Line("Outbox: %d e-mail(s) sent (simulated, nothing left this machine)", len(sent))
	for i, e := range sent {
		p.Line("  [msg-%d] To: %s\n          Subject: %s\n          Body: %s", i+1, e.To, e.Subject, e.Body)
	}
}

// validate checks an e-mail before it may be sent, and returns the
// normalized recipient address. Every problem found is reported.
func validate(e email) (string, error) {
	var problems []string
	addr, err := mail.ParseAddress(strings.TrimSpace(e.To))
	switch {
	case strings.TrimSpace(e.To) == "":
		problems = append(problems, "the recipient address is empty")
	case utf8.RuneCountInString(e.To) > maxAddressRunes:
		problems = append(problems, fmt.Sprintf("the recipient address is longer than %d characters", maxAddressRunes))
	case err != nil:
		problems = append(problems, fmt.Sprintf("%q is not a valid e-mail address (%v)", e.To, err)) // at most maxAddressRunes
	}
	switch {
	case strings.TrimSpace(e.Subject) == "":
		problems = append(problems, "the subject is empty")
	case strings.ContainsAny(e.Subject, "\r\n"):
		problems = append(problems, "the subject contains a line break")
	case utf8.RuneCountInString(e.Subject) > maxSubjectRunes:
		problems = append(problems, fmt.Sprintf("the subject is longer than %d characters", maxSubjectRunes))
	}
	switch {
	case strings.TrimSpace(e.Body) == "":
		problems = append(problems, "the body is empty")
	case len(e.Body) > maxBodyBytes:
		problems = append(problems, fmt.Sprintf("the body is %d bytes, over the %d-byte limit", len(e.Body), maxBodyBytes))
	}
	if len(problems) > 0 {
		return "", errors.New(strings.Join(problems, "; "))
	}
	return addr.Address, nil
}

// sendEmailTool is the tool the agent may call. It requires approval: the
// run asks before every call, and the tool body runs only when approved.
func sendEmailTool(box *outbox) aigentic.AgentTool {
	t := aigentic.NewTool("send_email",
		"Send an e-mail to one recipient. Every call needs the user's approval; if the user denies it, the e-mail is not sent.",
		func(run *aigentic.AgentRun, in email) (string, error) {
			box.noteRun()
			if err := run.Context().Err(); err != nil {
				return "", err
			}
			to, err := validate(in)
			if err != nil {
				return "", aigentic.Recoverable(fmt.Errorf("e-mail not sent: %w", err))
			}
			in.To = to
			id := box.send(in)
			return fmt.Sprintf("E-mail %s sent to %s with subject %q (simulated: it is in the outbox).", id, to, in.Subject), nil
		})
	t.RequireApproval = true
	t.Validate = func(_ *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
		return aigentic.ValidationResult{Values: args, Message: describeEmail(args)}, nil
	}
	return t
}

// shownRunes is the most of a recipient or a subject an approval request
// shows: more than validate lets through, so an e-mail that can be sent
// is shown whole, and a value the model made longer is cut, saying so.
const shownRunes = 300

// describeEmail is the note shown with an approval request: what will be
// sent. The values come from the model: each is shown at a bounded
// length (shown), the body as a preview.
func describeEmail(args map[string]any) string {
	e := emailOf(args)
	return fmt.Sprintf("send an e-mail to %s with subject %s and a %d-byte body: %q",
		shown(e.To, shownRunes), quotedShown(e.Subject, shownRunes), len(e.Body), preview(e.Body, 80))
}

// shown is s when it has at most n runes; otherwise its first n runes and
// a marker giving its whole length: "abc… [cut: 102400 characters in
// all]".
func shown(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return preview(s, n) + fmt.Sprintf(" [cut: %d characters in all]", utf8.RuneCountInString(s))
}

// quotedShown is shown for a value printed quoted: the quoted text cut
// to n runes, the marker outside the quotes.
func quotedShown(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(preview(s, n)) + fmt.Sprintf(" [cut: %d characters in all]", utf8.RuneCountInString(s))
}

// refusal is what the tool will refuse in the e-mail of args (nil when it
// will send it), for the person deciding to see before anyone says yes.
func refusal(args map[string]any) error {
	_, err := validate(emailOf(args))
	return err
}

func emailOf(args map[string]any) email {
	return email{To: argString(args, "to"), Subject: argString(args, "subject"), Body: argString(args, "body")}
}

func argString(args map[string]any, k string) string {
	s, _ := args[k].(string)
	return s
}

// preview shortens s to n runes for display.
func preview(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
