package otelagent

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
	"go.opentelemetry.io/otel/attribute"
)

// The label values a program allows beyond its own configuration: names of
// response models and providers it expects servers to send.
var (
	allowedModels    sync.Map // string → struct{}
	allowedProviders sync.Map // string → struct{}
)

// AllowResponseModels adds names to the response models kept as
// gen_ai.response.model label values (beyond the model asked for and its
// dated versions). Use it for a gateway or a failover list that answers
// with models of other names. Safe for concurrent use.
func AllowResponseModels(names ...string) {
	for _, n := range names {
		allowedModels.Store(n, struct{}{})
	}
}

// AllowProviders adds names to the providers kept as gen_ai.provider.name
// label values when a response names a provider other than the model's
// own (a failover list). Safe for concurrent use.
func AllowProviders(names ...string) {
	for _, n := range names {
		allowedProviders.Store(n, struct{}{})
	}
}

// MaxDatedVersions is how many dated versions of the models asked for
// ("gpt-4o-mini-2024-07-18") a process keeps as label values, the first
// seen; later ones are Other. A model family has a handful of dated
// versions: the bound keeps a server that sends a new one with every
// answer from growing the metrics without limit.
const MaxDatedVersions = 32

var (
	datedVersions sync.Map // string → struct{}: the dated versions kept
	datedCount    atomic.Int32
)

// boundedName is v as a label value: v when it is asked (the configured
// name), a name in allowed, or asked followed by "-" and a version
// ("gpt-4o-mini-2024-07-18") while fewer than MaxDatedVersions are kept;
// Other otherwise. Values come from a provider's answer, so they must not
// become label values unbounded.
func boundedName(v, asked string, allowed *sync.Map) string {
	if asked != "" && v == asked {
		return v
	}
	if _, ok := allowed.Load(v); ok {
		return v
	}
	if asked != "" && strings.HasPrefix(v, asked+"-") && isVersion(v[len(asked)+1:]) && keepDated(v) {
		return v
	}
	return Other
}

// keepDated reports whether the dated version v is kept: it was, or there
// is room for it.
func keepDated(v string) bool {
	if _, ok := datedVersions.Load(v); ok {
		return true
	}
	if datedCount.Add(1) > MaxDatedVersions {
		datedCount.Add(-1)
		return false
	}
	if _, loaded := datedVersions.LoadOrStore(v, struct{}{}); loaded {
		datedCount.Add(-1) // another goroutine kept it first
	}
	return true
}

// isVersion reports whether s looks like a model version suffix: digits
// and dashes ("2024-07-18", "0613"), at most 16 bytes.
func isVersion(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// decisionActions are the actions kept as aigentic.decisions label values.
var decisionActions = map[string]bool{"pass": true, "rewrite": true, "trip": true, "retry": true, "compact": true, "fallback": true}

// boundedAction is a decision's action as a label value: one of
// decisionActions, or Other.
func boundedAction(a string) string {
	if decisionActions[a] {
		return a
	}
	return Other
}

// metaPrefixes are the ai.Tool.Meta keys put on a tool call's span: the
// OpenTelemetry namespaces of where a tool runs (MCP, the server, the
// network) and the runtime's own. Other keys are ignored.
var metaPrefixes = []string{"mcp.", "server.", "network.", "aigentic."}

// appendMeta adds a tool's Meta to a span's attributes: keys in
// metaPrefixes, values redacted and clipped, in key order.
func appendMeta(attrs []attribute.KeyValue, meta map[string]string) []attribute.KeyValue {
	if len(meta) == 0 {
		return attrs
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		for _, p := range metaPrefixes {
			if strings.HasPrefix(k, p) && len(k) <= 64 {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		attrs = append(attrs, attribute.String(k, secret.Redact(clip(meta[k]))))
	}
	return attrs
}
