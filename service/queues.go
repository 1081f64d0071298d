package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"

	"github.com/riverqueue/river"
)

// Fair queues: every tenant's jobs go to a River queue of the tenant's own
// (AskArgs.InsertOpts), and every worker process runs each tenant's queue
// with its own worker limit (the tenant's `workers`, else -workers: River's
// QueueConfig.MaxWorkers). River fetches a queue's jobs in order of
// priority, scheduled time and id, for that queue only, and a queue's
// workers never work another queue's jobs. So a tenant's job waits only
// for the same tenant's earlier jobs: with P worker processes and w
// workers per process for the tenant, its n-th queued job starts once
// n − P·w of the tenant's own earlier jobs have finished, plus at most one
// fetch (-poll-interval, or River's fetch cooldown when notified) — and a
// backlog of any size in another tenant's queue adds nothing to that
// (only the shared machine does: CPU, the database, the model's server).
// TestFairQueues shows it with two tenants.
//
// River's open-source version has no fairness among the tenants of one
// queue (River Pro's concurrency limits can partition a queue by an
// argument; that is not used here); queues with their own worker limits
// are River's documented way to isolate workloads. The cost is one
// producer (a fetch loop, and a LISTEN on PostgreSQL) per tenant in each
// worker process, fine for the tens of tenants a file holds; with
// thousands of tenants, hash them into buckets of queues instead.
//
// Jobs in River's "default" queue (inserted before queues were per tenant)
// are still worked, with -workers workers.

// riverQueueName is what River accepts as a queue name (client.go's
// nameRegex in River v0.51.2), at most 64 bytes.
var riverQueueName = regexp.MustCompile(`^(?:[a-z0-9])+(?:[_|\-]?[a-z0-9]+)*$`)

// queueName is the River queue of tenant id: "tenant-<id>" when that is a
// valid River queue name (lower-case letters and digits, single '-' or
// '_' between them), else "tenant_" and the first 16 hex digits of the
// id's SHA-256. The two forms cannot collide ('-' versus '_' after
// "tenant"), and each is a function of the id alone, so every process
// computes the same name.
func queueName(id string) string {
	if q := "tenant-" + id; len(q) <= 64 && riverQueueName.MatchString(q) {
		return q
	}
	sum := sha256.Sum256([]byte(id))
	return "tenant_" + hex.EncodeToString(sum[:8])
}

// queueNames is every tenant's queue; two tenants with one queue (a
// hash collision of the hashed form) is an error.
func queueNames(cfgs map[string]TenantConfig) (map[string]string, error) {
	out := make(map[string]string, len(cfgs))
	owner := map[string]string{}
	ids := make([]string, 0, len(cfgs))
	for id := range cfgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		q := queueName(id)
		if other, ok := owner[q]; ok {
			return nil, fmt.Errorf("tenants %q and %q map to one River queue %q; rename one", other, id, q)
		}
		owner[q], out[id] = id, q
	}
	return out, nil
}

// riverQueues is the Queues of a worker process's River client: each
// tenant's queue with its workers, and River's default queue.
func (s *service) riverQueues() map[string]river.QueueConfig {
	qs := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: s.cfg.workers}}
	for _, t := range s.tenants {
		qs[t.queue] = river.QueueConfig{MaxWorkers: t.workers}
	}
	return qs
}

// totalWorkers is how many jobs this process may run at once.
func (s *service) totalWorkers() int {
	n := s.cfg.workers
	for _, t := range s.tenants {
		n += t.workers
	}
	return n
}
