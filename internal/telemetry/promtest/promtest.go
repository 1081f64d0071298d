// Package promtest runs a real Prometheus server (the prometheus binary of
// Debian's prometheus package, or any Prometheus 2.x/3.x) on loopback for
// end-to-end tests: it writes a scrape configuration, starts the server
// with its storage in a directory of the caller's, waits until it is
// ready, queries it through the HTTP API (/api/v1/query, via the client
// library's api/prometheus/v1), and stops it — SIGTERM, then SIGKILL —
// leaving no process and no goroutine behind.
//
// [Run] is the form for tests: it skips when the binary is missing (and
// fails instead under CI=true, where .ci/run installs it), uses
// t.TempDir() and stops the server at cleanup. [Start] is the same without
// testing.TB.
package promtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v4"
)

// ErrNotInstalled is returned by [Start] when no prometheus binary is found.
var ErrNotInstalled = errors.New("promtest: prometheus binary not found (Debian: apt-get install prometheus)")

// ErrExited is wrapped by the errors of [Start] when the server exits
// before it is ready; the error includes the server's last output.
var ErrExited = errors.New("promtest: prometheus exited")

// Config describes the server to start.
type Config struct {
	// Targets are host:port addresses scraped at /metrics. Required.
	Targets []string
	// Job is the scrape job's name, the job label of every series;
	// default "aigentic".
	Job string
	// ScrapeInterval is both the scrape and the rule-evaluation interval;
	// default 1s (Prometheus' minimum useful resolution for tests).
	ScrapeInterval time.Duration
	// RuleFiles are rules files loaded by the server (absolute or relative
	// to the working directory).
	RuleFiles []string
	// Binary is the prometheus executable; default $PROMETHEUS_BIN, else
	// "prometheus" on PATH.
	Binary string
	// ReadyTimeout bounds the wait for /-/ready; default 30s.
	ReadyTimeout time.Duration
	// BearerToken, when set, is sent on every scrape as
	// "Authorization: Bearer <token>" (written to a 0600 credentials file
	// the configuration names, never into the configuration itself).
	BearerToken string
}

// Server is a running Prometheus.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:<port>.
	URL string
	// API is a client of the server's HTTP API.
	API v1.API

	cmd       *exec.Cmd
	transport *http.Transport
	output    *syncBuffer
	exited    chan struct{}
	exitErr   error
	stopOnce  sync.Once
	stopErr   error
}

// Binary returns the prometheus executable Start would use, or an error
// wrapping ErrNotInstalled.
func Binary() (string, error) {
	name := os.Getenv("PROMETHEUS_BIN")
	if name == "" {
		name = "prometheus"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotInstalled, err)
	}
	return path, nil
}

// Start writes dir/prometheus.yml, starts Prometheus on a free loopback
// port with its TSDB in dir/data and returns once /-/ready answers 200.
// Call Stop when done. Errors: ErrNotInstalled, ErrExited (with the
// server's output), ctx's error, or a wrapped I/O error.
func Start(ctx context.Context, dir string, cfg Config) (*Server, error) {
	if len(cfg.Targets) == 0 {
		return nil, errors.New("promtest: Config.Targets is empty")
	}
	if cfg.Job == "" {
		cfg.Job = "aigentic"
	}
	if cfg.ScrapeInterval <= 0 {
		cfg.ScrapeInterval = time.Second
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 30 * time.Second
	}
	bin := cfg.Binary
	if bin == "" {
		var err error
		if bin, err = Binary(); err != nil {
			return nil, err
		}
	}
	configFile := filepath.Join(dir, "prometheus.yml")
	if err := writeConfig(configFile, cfg); err != nil {
		return nil, err
	}
	// The port is free when picked but could be taken before Prometheus
	// binds it: try again with another one.
	var lastErr error
	for range 3 {
		s, err := startOnce(ctx, bin, configFile, filepath.Join(dir, "data"), cfg.ReadyTimeout)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !errors.Is(err, ErrExited) || !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

func startOnce(ctx context.Context, bin, configFile, dataDir string, readyTimeout time.Duration) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s := &Server{
		URL:       "http://" + addr,
		transport: &http.Transport{},
		output:    &syncBuffer{},
		exited:    make(chan struct{}),
	}
	s.cmd = exec.Command(bin,
		"--config.file="+configFile,
		"--storage.tsdb.path="+dataDir,
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	s.cmd.Stdout, s.cmd.Stderr = s.output, s.output
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("promtest: start %s: %w", bin, err)
	}
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	client, err := api.NewClient(api.Config{Address: s.URL, RoundTripper: s.transport})
	if err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("promtest: API client: %w", err)
	}
	s.API = v1.NewAPI(client)
	if err := s.waitReady(ctx, readyTimeout); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls /-/ready until 200, the process exits, or the timeout.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	httpc := &http.Client{Transport: s.transport, Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/-/ready", nil)
		if resp, err := httpc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%w before ready (%v):\n%s", ErrExited, s.exitErr, s.Output())
		case <-ctx.Done():
			return fmt.Errorf("promtest: prometheus not ready at %s: %w\n%s", s.URL, ctx.Err(), s.Output())
		case <-tick.C:
		}
	}
}

// Output returns what the server printed so far (its log).
func (s *Server) Output() string { return s.output.String() }

// Stop terminates the server (SIGTERM, SIGKILL after 10 s), waits for the
// process and closes the API client's connections. Safe to call more than
// once; returns nil when the process ended on the signal.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		defer s.transport.CloseIdleConnections()
		select {
		case <-s.exited:
			return
		default:
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			s.stopErr = fmt.Errorf("promtest: prometheus ignored SIGTERM for 10s and was killed")
		}
	})
	return s.stopErr
}

// Query evaluates expr at the current time and returns the instant vector.
// An expression of another type is an error.
func (s *Server) Query(ctx context.Context, expr string) (model.Vector, error) {
	v, _, _, err := s.API.Query(ctx, expr, time.Now())
	if err != nil {
		return nil, fmt.Errorf("promtest: query %q: %w", expr, err)
	}
	vec, ok := v.(model.Vector)
	if !ok {
		return nil, fmt.Errorf("promtest: query %q returned %s, not a vector", expr, v.Type())
	}
	return vec, nil
}

// WaitFor polls Query(expr) every 100 ms until ok accepts the result, and
// returns that result; when ctx ends first it returns ctx's error with the
// last result seen. Bound it with a deadline.
func (s *Server) WaitFor(ctx context.Context, expr string, ok func(model.Vector) bool) (model.Vector, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last model.Vector
	var lastErr error
	for {
		vec, err := s.Query(ctx, expr)
		if err == nil && ok(vec) {
			return vec, nil
		}
		if err == nil {
			last = vec
		} else if ctx.Err() == nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("promtest: waiting for %q: %w (last result %v, last error %v)", expr, ctx.Err(), last, lastErr)
		case <-s.exited:
			return last, fmt.Errorf("%w while waiting for %q (%v):\n%s", ErrExited, expr, s.exitErr, s.Output())
		case <-tick.C:
		}
	}
}

// promConfig is the part of Prometheus' configuration file written here.
type promConfig struct {
	Global struct {
		ScrapeInterval     string `yaml:"scrape_interval"`
		EvaluationInterval string `yaml:"evaluation_interval"`
	} `yaml:"global"`
	RuleFiles     []string       `yaml:"rule_files,omitempty"`
	ScrapeConfigs []scrapeConfig `yaml:"scrape_configs"`
}

type scrapeConfig struct {
	JobName       string         `yaml:"job_name"`
	StaticConfigs []staticConfig `yaml:"static_configs"`
	Authorization *authorization `yaml:"authorization,omitempty"`
}

type authorization struct {
	Type            string `yaml:"type"`
	CredentialsFile string `yaml:"credentials_file"`
}

type staticConfig struct {
	Targets []string `yaml:"targets"`
}

func writeConfig(path string, cfg Config) error {
	var c promConfig
	c.Global.ScrapeInterval = model.Duration(cfg.ScrapeInterval).String()
	c.Global.EvaluationInterval = c.Global.ScrapeInterval
	for _, f := range cfg.RuleFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			return fmt.Errorf("promtest: rule file %s: %w", f, err)
		}
		c.RuleFiles = append(c.RuleFiles, abs)
	}
	c.ScrapeConfigs = []scrapeConfig{{JobName: cfg.Job, StaticConfigs: []staticConfig{{Targets: cfg.Targets}}}}
	if cfg.BearerToken != "" {
		cred := filepath.Join(filepath.Dir(path), "scrape-credentials")
		if err := os.WriteFile(cred, []byte(cfg.BearerToken), 0o600); err != nil {
			return fmt.Errorf("promtest: credentials: %w", err)
		}
		c.ScrapeConfigs[0].Authorization = &authorization{Type: "Bearer", CredentialsFile: cred}
	}
	raw, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("promtest: config: %w", err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return fmt.Errorf("promtest: config: %w", err)
	}
	return nil
}

// freePort asks the kernel for a free loopback TCP port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("promtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer is a bytes.Buffer safe for the process's output copiers and
// readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
