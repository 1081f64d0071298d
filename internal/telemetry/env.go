package telemetry

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ErrBadEnv is wrapped by the error [New] returns when an OTEL_* variable
// holds a value this package or the SDK cannot use. The error names the
// variable; it repeats the value only when the value is not a secret
// (header values and URL passwords never appear).
var ErrBadEnv = errors.New("telemetry: bad OTEL_* environment variable")

// exportPlan is what the environment asks for: which signals go out over
// OTLP/HTTP.
type exportPlan struct {
	traces  bool
	metrics bool
}

// signalEnv names one signal's variables.
type signalEnv struct {
	selector string // OTEL_TRACES_EXPORTER or OTEL_METRICS_EXPORTER
	endpoint string // the signal's own endpoint variable
	infix    string // "TRACES_" or "METRICS_", for the per-signal OTLP options
	accepted []string
}

var (
	tracesEnv = signalEnv{
		selector: "OTEL_TRACES_EXPORTER",
		endpoint: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
		infix:    "TRACES_",
		accepted: []string{"otlp", "none"},
	}
	// "prometheus" is the specification's value for a pull exporter, which
	// this package always provides on /metrics.
	metricsEnv = signalEnv{
		selector: "OTEL_METRICS_EXPORTER",
		endpoint: "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
		infix:    "METRICS_",
		accepted: []string{"otlp", "prometheus", "none"},
	}
)

// planFromEnv validates the OTEL_* variables this package and the OTLP/HTTP
// exporters read and decides which signals are exported. getenv is
// os.Getenv outside tests.
func planFromEnv(getenv func(string) string) (exportPlan, error) {
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	check(checkURL(getenv, "OTEL_EXPORTER_OTLP_ENDPOINT"))
	for _, name := range []string{"OTEL_METRIC_EXPORT_INTERVAL", "OTEL_METRIC_EXPORT_TIMEOUT"} {
		check(checkMillis(getenv, name))
	}
	check(checkOTLPOptions(getenv, ""))

	exported := func(sig signalEnv) bool {
		check(checkURL(getenv, sig.endpoint))
		check(checkOTLPOptions(getenv, sig.infix))
		wantsOTLP, err := selectorWantsOTLP(getenv, sig)
		check(err)
		hasEndpoint := getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv(sig.endpoint) != ""
		return wantsOTLP && hasEndpoint
	}
	plan := exportPlan{traces: exported(tracesEnv), metrics: exported(metricsEnv)}
	if len(errs) > 0 {
		return exportPlan{}, errors.Join(errs...)
	}
	return plan, nil
}

// selectorWantsOTLP reads OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER: a
// comma-separated list; unset means "otlp".
func selectorWantsOTLP(getenv func(string) string, sig signalEnv) (bool, error) {
	raw := strings.TrimSpace(getenv(sig.selector))
	if raw == "" {
		return true, nil
	}
	otlp := false
	for _, v := range strings.Split(raw, ",") {
		v = strings.TrimSpace(v)
		switch {
		case v == "otlp":
			otlp = true
		case slices.Contains(sig.accepted, v):
		default:
			return false, fmt.Errorf("%w: %s=%q: supported values are %s",
				ErrBadEnv, sig.selector, v, strings.Join(sig.accepted, ", "))
		}
	}
	return otlp, nil
}

// checkOTLPOptions checks OTEL_EXPORTER_OTLP_[infix]{PROTOCOL, COMPRESSION,
// TIMEOUT, HEADERS, INSECURE}.
func checkOTLPOptions(getenv func(string) string, infix string) error {
	var errs []error
	prefix := "OTEL_EXPORTER_OTLP_" + infix
	if v := getenv(prefix + "PROTOCOL"); v != "" && v != "http/protobuf" {
		errs = append(errs, fmt.Errorf("%w: %sPROTOCOL=%q: only http/protobuf is supported", ErrBadEnv, prefix, v))
	}
	if v := getenv(prefix + "COMPRESSION"); v != "" && v != "gzip" && v != "none" {
		errs = append(errs, fmt.Errorf("%w: %sCOMPRESSION=%q: want gzip or none", ErrBadEnv, prefix, v))
	}
	if err := checkMillis(getenv, prefix+"TIMEOUT"); err != nil {
		errs = append(errs, err)
	}
	if v := getenv(prefix + "INSECURE"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Errorf("%w: %sINSECURE=%q: want true or false", ErrBadEnv, prefix, v))
		}
	}
	if err := checkHeaders(getenv, prefix+"HEADERS"); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkURL requires an absolute http(s) URL with a host when name is set.
// The URL in the error is redacted (no password).
func checkURL(getenv func(string) string, name string) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("%w: %s is not a URL", ErrBadEnv, name)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %s=%q: want an http:// or https:// URL with a host", ErrBadEnv, name, u.Redacted())
	}
	return nil
}

// checkMillis requires a non-negative integer (milliseconds) when name is set.
func checkMillis(getenv func(string) string, name string) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
		return fmt.Errorf("%w: %s=%q: want a non-negative integer number of milliseconds", ErrBadEnv, name, v)
	}
	return nil
}

// checkHeaders checks the W3C-baggage-like list key1=value1,key2=value2
// with percent-encoded values. Values are never repeated: they hold tokens.
func checkHeaders(getenv func(string) string, name string) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	for i, pair := range strings.Split(v, ",") {
		key, value, ok := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t\"(),/:;<=>?@[\\]{}") {
			return fmt.Errorf("%w: %s: entry %d is not key=value", ErrBadEnv, name, i+1)
		}
		if _, err := url.PathUnescape(strings.TrimSpace(value)); err != nil {
			return fmt.Errorf("%w: %s: the value of %q is not percent-encoded correctly", ErrBadEnv, name, key)
		}
	}
	return nil
}
