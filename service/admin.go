package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
)

// tenantStatus is one tenant in GET /v1/admin/tenants: its queue and
// limits, and what is in flight.
type tenantStatus struct {
	Tenant string `json:"tenant"`
	Queue  string `json:"queue"`
	// Workers is the tenant's River workers per worker process.
	Workers int `json:"workers"`
	// Jobs counts the tenant's unfinished jobs by River state.
	Jobs          map[string]int64 `json:"jobs"`
	MaxQueuedJobs int              `json:"max_queued_jobs"`
	// TokensUsedToday and TokensReserved are the daily budget's state:
	// used today (UTC) and reserved by runs and jobs in flight.
	TokensUsedToday     int64 `json:"tokens_used_today"`
	TokensReserved      int64 `json:"tokens_reserved"`
	DailyTokenBudget    int64 `json:"daily_token_budget"`
	RunTokenReservation int64 `json:"run_token_reservation"`
	APIKeys             int   `json:"api_keys"`
}

// adminTenants is GET /v1/admin/tenants (admin key): every tenant's queue,
// limits, unfinished jobs and budget, read in one transaction.
func (s *service) adminTenants(w http.ResponseWriter, r *http.Request) {
	ids := make([]string, 0, len(s.tenants))
	for id := range s.tenants {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]tenantStatus, 0, len(ids))
	err := s.queue.InTx(r.Context(), func(tx txn, _ txJobs) error {
		now := s.now()
		for _, id := range ids {
			t := s.tenants[id]
			st := tenantStatus{Tenant: id, Queue: t.queue, Workers: t.workers, Jobs: map[string]int64{}, MaxQueuedJobs: t.cfg.MaxQueuedJobs,
				DailyTokenBudget: t.cfg.DailyTokenBudget, RunTokenReservation: t.cfg.RunTokenReservation, APIKeys: len(t.cfg.APIKeys)}
			var err error
			if st.TokensUsedToday, st.TokensReserved, err = budgetState(r.Context(), tx, id, now, true); err != nil {
				return err
			}
			if err := countJobs(r.Context(), tx, t.queue, st.Jobs); err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenants": out})
}

// countJobs fills into the queue's unfinished jobs by state.
func countJobs(ctx context.Context, tx txn, queue string, into map[string]int64) error {
	for _, state := range []string{"available", "scheduled", "retryable", "running", "pending"} {
		var n int64
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM river_job WHERE queue = $1 AND CAST(state AS TEXT) = $2`, queue, state).Scan(&n); err != nil {
			return fmt.Errorf("count jobs: %w", err)
		}
		if n > 0 {
			into[state] = n
		}
	}
	return nil
}
