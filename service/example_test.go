package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// ticketID is the shape of a ticket's id (effectID).
var ticketID = regexp.MustCompile(`\bT-[a-z2-7]{26}\b`)

// Enqueue a job over HTTP and read its result once a worker has run it:
// the whole service in one process (-role all) on an embedded SQLite file
// and the offline model.
func Example_enqueueAndWork() {
	dir, _ := os.MkdirTemp("", "service-example")
	defer os.RemoveAll(dir)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	addr, done := make(chan string, 1), make(chan error, 1)
	go func() {
		args := []string{"-addr", "127.0.0.1:0", "-db", "sqlite://" + filepath.Join(dir, "example.db"), "-poll-interval", "20ms"}
		done <- runWith(ctx, args, io.Discard, options{getenv: func(string) string { return "" }, onListen: func(a string) { addr <- a }})
	}()
	base := "http://" + <-addr

	resp, err := http.Post(base+"/v1/jobs", "application/json",
		strings.NewReader(`{"query": "Check order 1234, then open a ticket with subject \"late delivery\""}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	var created struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	fmt.Println("POST /v1/jobs:", resp.StatusCode)

	var job struct {
		State, Outcome, Answer string
		Steps                  []struct{ Kind string }
	}
	for job.State != "completed" {
		time.Sleep(20 * time.Millisecond)
		r, err := http.Get(base + "/v1/jobs/" + created.ID)
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(&job)
		r.Body.Close()
	}
	fmt.Println(job.State, job.Outcome, len(job.Steps), "steps")
	// A ticket's id hashes River's id of its job (effectID), and the
	// service's own prune job, enqueued when it starts, may take id 1
	// first: the id is shown by its shape.
	fmt.Println(ticketID.ReplaceAllString(job.Answer, "T-<26 base32 characters>"))
	stop()
	fmt.Println("stopped:", <-done)
	// Output:
	// POST /v1/jobs: 202
	// completed ok 4 steps
	// Here is what I found:
	// - lookup_order (order_id: 1234): order 1234: delayed at the warehouse
	// - open_ticket (subject: "late delivery"): opened ticket T-<26 base32 characters>
	// stopped: <nil>
}
