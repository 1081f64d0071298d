package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// child is a worker process: this test binary re-executed (TestMain).
type child struct {
	cmd      *exec.Cmd
	toolDone chan struct{}
	exited   chan struct{}
	stderr   string
}

// startChild starts a worker on dbURL with the test's flags; model is
// "turns" or "offline-5ms"; blockAfter > 0 hangs it after that many tool
// effects. It is killed at cleanup if still running.
func startChild(t testing.TB, dbURL, tenants, record, model string, blockAfter int, extra ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-role", "worker", "-addr", "127.0.0.1:0", "-db", dbURL, "-tenants", tenants,
		"-rescue-after", "10s", "-poll-interval", "50ms", "-shutdown-grace", "200ms"}, extra...)
	a, _ := json.Marshal(args)
	c := &child{toolDone: make(chan struct{}, 1), exited: make(chan struct{})}
	c.stderr = filepath.Join(t.TempDir(), "worker.log")
	errf, err := os.Create(c.stderr)
	if err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command(exe, "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"=worker", childArgsEnv+"="+string(a), childModelEnv+"="+model,
		childLogEnv+"="+record, childBlockEnv+"="+itoa(blockAfter))
	c.cmd.Stderr = errf
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == toolDoneLine {
				c.toolDone <- struct{}{}
			}
		}
		_ = c.cmd.Wait()
		errf.Close()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			b, _ := os.ReadFile(c.stderr)
			t.Logf("worker %d log (tail):\n%s", c.cmd.Process.Pid, tail(string(b), 3000))
		}
	})
	return c
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// terminate sends SIGTERM and waits for a clean exit.
func (c *child) terminate(t testing.TB) {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		t.Errorf("worker %d ignored SIGTERM", c.cmd.Process.Pid)
		c.kill()
	}
	if code := c.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("worker %d exited with %d after SIGTERM", c.cmd.Process.Pid, code)
	}
}

// crashTenants is the tenant of the crash tests. Its run timeout (8 s,
// below startChild's -rescue-after of 10 s, as the service requires) is
// far above the few milliseconds a run takes, so a run is never cut
// short on a loaded machine: with 1.5 s, a resumed run on SQLite once
// timed out while a race-enabled suite loaded both cores. The rescue
// waits for River's rescuer, which runs every 30 s, not for the timeout.
const crashTenants = `
tenants:
  t:
    max_llm_calls: 5
    retries: 0
    timeout: 8s
    rate: 100000
    burst: 100000
`

// testQueue opens dbURL (migrating it) with an insert-only River client.
func testQueue(t testing.TB, dbURL string) (*database, queue) {
	t.Helper()
	db, err := openDatabase(context.Background(), dbURL, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	q, err := db.queue.newClient(&river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return db, q
}

// waitFinal polls River until the job is finalized.
func waitFinal(t testing.TB, q queue, id int64, within time.Duration) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		job, err := q.JobGet(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if finalized(job.State) {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %s after %s", id, job.State, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// crashTest: a worker is killed with SIGKILL right after its second tool
// call's effect (before that result is saved); River rescues the job and
// another worker finishes it from the checkpoint. Each ticket exists once,
// the model got no repeated request, and only the call in flight ran
// twice, with the same idempotency key.
func crashTest(t *testing.T, dbURL string, workers int) {
	dir := t.TempDir()
	tenants := filepath.Join(dir, "tenants.yaml")
	if err := os.WriteFile(tenants, []byte(crashTenants), 0o600); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, "record.txt")
	db, q := testQueue(t, dbURL)
	res, err := q.Insert(context.Background(), AskArgs{Tenant: "t", Query: "open two tickets"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var running []*child
	for range workers {
		running = append(running, startChild(t, dbURL, tenants, record, "turns", 2))
	}
	// Kill whichever worker took the job, once its second tool acted.
	victim := -1
	deadline := time.After(60 * time.Second)
	for victim < 0 {
		for i, c := range running {
			select {
			case <-c.toolDone:
				victim = i
			default:
			}
		}
		select {
		case <-deadline:
			t.Fatal("no worker reached its second tool call")
		case <-time.After(10 * time.Millisecond):
		}
	}
	running[victim].kill()
	killedAt := time.Since(start)
	running = append(running[:victim], running[victim+1:]...)
	if len(running) == 0 {
		running = append(running, startChild(t, dbURL, tenants, record, "turns", 0))
	}
	job := waitFinal(t, q, res.Job.ID, 90*time.Second)
	for _, c := range running {
		c.terminate(t)
	}
	t.Logf("killed after %s; job %s after %s on attempt %d", killedAt.Round(time.Millisecond), job.State, time.Since(start).Round(time.Millisecond), job.Attempt)

	st := &store{db: db.sql, now: time.Now}
	row, err := st.loadRun(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if job.State != rivertype.JobStateCompleted || row.Outcome != outcomeOK || row.Answer != "done" {
		t.Fatalf("job %s, outcome %q, answer %q, error %q", job.State, row.Outcome, row.Answer, row.Error)
	}
	key := jobKey(job.ID)
	if n, err := st.ticketCount(context.Background(), key+"/"); err != nil || n != 2 {
		t.Fatalf("%d tickets for the job (err %v), want 2: each side effect once", n, err)
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var models, tools []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "model ") {
			models = append(models, line)
		} else {
			tools = append(tools, line)
		}
	}
	sort.Strings(models)
	wantModels := []string{"model turn=0 messages=2", "model turn=1 messages=4", "model turn=2 messages=6"}
	if len(models) != 3 {
		t.Fatalf("model requests:\n%s\nwant 3, none repeated", strings.Join(models, "\n"))
	}
	for i, w := range wantModels {
		if !strings.HasPrefix(models[i], w) {
			t.Fatalf("model request %d = %q, want %q", i, models[i], w)
		}
	}
	wantTools := []string{"tool open_ticket " + key + "/call_t0", "tool open_ticket " + key + "/call_t1", "tool open_ticket " + key + "/call_t1"}
	if strings.Join(tools, "\n") != strings.Join(wantTools, "\n") {
		t.Fatalf("tool effects:\n%s\nwant the first once and the one in flight twice with the same key:\n%s", strings.Join(tools, "\n"), strings.Join(wantTools, "\n"))
	}
}

func TestCrashedWorkerJobResumesOnSQLite(t *testing.T) {
	crashTest(t, "sqlite://"+filepath.Join(t.TempDir(), "crash.db"), 1)
}

func TestCrashedWorkerJobResumesOnPostgres(t *testing.T) {
	crashTest(t, postgresURL(t), 2)
}
