package main

import "github.com/riverqueue/river"

// AskArgs is the job payload (Pattern 2's Job): a tenant's question.
type AskArgs struct {
	Tenant string `json:"tenant"`
	Query  string `json:"query"`
	// CreatedBy is who asked (principal.String(): "tenant acme key
	// k7f3m2q9 (ci)", "tenant acme via trusted proxy"); CreatedByKey the
	// key's id, empty when no key asked (a trusted proxy, the local demo).
	// The four-eyes rule compares CreatedByKey with the decider's key
	// (approvers.go); a job with no CreatedBy was queued before they were
	// recorded. Both are public names, never a secret.
	CreatedBy    string `json:"created_by,omitempty"`
	CreatedByKey string `json:"created_by_key,omitempty"`
}

// Kind implements river.JobArgs.
func (AskArgs) Kind() string { return "agent_ask" }

// maxJobAttempts bounds River's whole-job retries (transient failures
// that outlasted the run's own Retries, or a worker that died). Retries
// inside a run are Agent.Retries: one retry layer per level.
const maxJobAttempts = 5

// InsertOpts implements river.JobArgsWithInsertOpts: the tenant's own
// queue (queues.go), and maxJobAttempts.
func (a AskArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxJobAttempts, Queue: queueName(a.Tenant)}
}
