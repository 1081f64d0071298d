package telemetry

import (
	"sync"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// AttributeLimit bounds the values one attribute key may take in every
// metric of the MeterProvider [New] builds, on every reader (the
// Prometheus exposition and the OTLP export alike). A value in Allowed is
// kept; so is each of the first Learn other distinct values measured
// (first come, first kept, at most [MaxLearnedValueLen] bytes of valid
// UTF-8). Any other value is dropped from the measurement, which then
// joins the series that lacks the attribute: in Prometheus, the series
// with no such label (an empty label value) is the "_OTHER" bucket.
//
// It exists for values that come from outside the program — the model name
// a provider reports, a tenant named in a request — which would otherwise
// make one series per distinct value: 20 responses naming new models added
// 1,020 series (issue 19).
type AttributeLimit struct {
	// Key is the attribute key, e.g. "gen_ai.response.model".
	Key string
	// Allowed are values always kept (a configured set: the tenants, the
	// models in the configuration).
	Allowed []string
	// Learn is how many distinct values outside Allowed are kept; 0 keeps
	// only Allowed.
	Learn int
}

// MaxLearnedValueLen is the longest value (in bytes) an [AttributeLimit]
// learns; longer values are dropped even while Learn has room.
const MaxLearnedValueLen = 128

// DefaultAttributeLimits are the limits [New] applies unless
// [WithAttributeLimits] gives others for the same key: the attributes of
// the GenAI semantic conventions whose values the model's server chooses
// (gen_ai.response.model; gen_ai.provider.name, which a routing gateway may
// report per response) and error.type (HTTP status codes a server sends,
// error type names), each learning 16 values.
func DefaultAttributeLimits() []AttributeLimit {
	return []AttributeLimit{
		{Key: "gen_ai.response.model", Learn: 16},
		{Key: "gen_ai.provider.name", Learn: 16},
		{Key: "error.type", Learn: 32},
	}
}

// WithAttributeLimits adds limits to [DefaultAttributeLimits]; a limit for
// a key the defaults name replaces the default one.
func WithAttributeLimits(limits ...AttributeLimit) Option {
	return func(o *options) { o.limits = append(o.limits, limits...) }
}

// valueSet is one key's kept values: the allowed ones and those learned.
type valueSet struct {
	mu      sync.RWMutex
	allowed map[string]bool
	learned map[string]bool
	learn   int
}

// keep reports whether v is kept, learning it when there is room.
func (s *valueSet) keep(v string) bool {
	s.mu.RLock()
	ok := s.allowed[v] || s.learned[v]
	full := len(s.learned) >= s.learn
	s.mu.RUnlock()
	if ok {
		return true
	}
	if full || len(v) > MaxLearnedValueLen || !utf8.ValidString(v) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.learned[v] {
		return true
	}
	if len(s.learned) >= s.learn {
		return false
	}
	s.learned[v] = true
	return true
}

// attributeFilter returns the filter applying limits (later entries for a
// key win), or nil when there are none.
func attributeFilter(limits []AttributeLimit) attribute.Filter {
	sets := map[attribute.Key]*valueSet{}
	for _, l := range limits {
		s := &valueSet{allowed: map[string]bool{}, learned: map[string]bool{}, learn: max(0, l.Learn)}
		for _, v := range l.Allowed {
			s.allowed[v] = true
		}
		sets[attribute.Key(l.Key)] = s
	}
	if len(sets) == 0 {
		return nil
	}
	return func(kv attribute.KeyValue) bool {
		s, ok := sets[kv.Key]
		if !ok {
			return true
		}
		return s.keep(kv.Value.String())
	}
}

// views is the one view every instrument goes through: histograms in
// seconds and in tokens get the buckets of [DurationBuckets] and
// [TokenBuckets], and every instrument the attribute filter. (One view,
// not several: each matching view makes a stream of its own.)
func views(filter attribute.Filter) sdkmetric.View {
	return func(i sdkmetric.Instrument) (sdkmetric.Stream, bool) {
		s := sdkmetric.Stream{Name: i.Name, Description: i.Description, Unit: i.Unit, AttributeFilter: filter}
		if i.Kind == sdkmetric.InstrumentKindHistogram {
			switch i.Unit {
			case "s":
				s.Aggregation = sdkmetric.AggregationExplicitBucketHistogram{Boundaries: DurationBuckets}
			case "{token}":
				s.Aggregation = sdkmetric.AggregationExplicitBucketHistogram{Boundaries: TokenBuckets}
			}
		}
		return s, true
	}
}
