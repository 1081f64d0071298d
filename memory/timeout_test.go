package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// failSafe is how long the test waits for a run that must end at its
// -timeout before calling it hung: a fail-safe, not a measurement.
const failSafe = 2 * time.Minute

// TestTimeoutSaysWhichStep: a server that answers the health check and
// never answers a question. At -timeout the error says which step the
// session timeout stopped and how long it was, not a bare "context
// deadline exceeded".
func TestTimeoutSaysWhichStep(t *testing.T) {
	done := make(chan struct{}) // closed at the end: no handler outlives the test
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // GET /models/{model}: the health check
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"tiny","object":"model","owned_by":"test"}`)
			return
		}
		select { // a question: never answered
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)
	deps := testDeps()
	deps.getenv = func(k string) string {
		return map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_MODEL": "tiny"}[k]
	}
	errc := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		errc <- runWith(context.Background(), []string{"-timeout", "300ms", "-store", t.TempDir()}, &out, deps)
	}()
	var err error
	select {
	case err = <-errc:
	case <-time.After(failSafe):
		t.Fatalf("still running after %s", failSafe)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "question 1: the session timeout (-timeout 300ms) ran out; raise -timeout or TIMEOUT: ") {
		t.Errorf("err = %v, want the session timeout, naming question 1 and the timeout\n%s", err, out.String())
	}
}
