package telemetry_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an in-process OTLP/HTTP receiver (the wire format of the
// OpenTelemetry Collector's otlp receiver: POST of protobuf-encoded
// Export*ServiceRequest to /v1/traces and /v1/metrics, optionally gzip).
// It decodes what arrives and keeps it, and the request headers.
type otlpReceiver struct {
	*httptest.Server
	mu      sync.Mutex
	traces  []*collectortrace.ExportTraceServiceRequest
	metrics []*collectormetrics.ExportMetricsServiceRequest
	headers []http.Header
	bad     []string
}

func newOTLPReceiver(t *testing.T) *otlpReceiver {
	t.Helper()
	r := &otlpReceiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, req *http.Request) {
		msg := &collectortrace.ExportTraceServiceRequest{}
		if !r.decode(w, req, msg) {
			return
		}
		r.mu.Lock()
		r.traces = append(r.traces, msg)
		r.mu.Unlock()
		r.reply(w, &collectortrace.ExportTraceServiceResponse{})
	})
	mux.HandleFunc("POST /v1/metrics", func(w http.ResponseWriter, req *http.Request) {
		msg := &collectormetrics.ExportMetricsServiceRequest{}
		if !r.decode(w, req, msg) {
			return
		}
		r.mu.Lock()
		r.metrics = append(r.metrics, msg)
		r.mu.Unlock()
		r.reply(w, &collectormetrics.ExportMetricsServiceResponse{})
	})
	r.Server = httptest.NewServer(mux)
	t.Cleanup(r.Close)
	return r
}

func (r *otlpReceiver) decode(w http.ResponseWriter, req *http.Request, msg proto.Message) bool {
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	r.mu.Unlock()
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			r.fail(w, "bad gzip: "+err.Error())
			return false
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		r.fail(w, "read: "+err.Error())
		return false
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		r.fail(w, "content type "+ct)
		return false
	}
	if err := proto.Unmarshal(raw, msg); err != nil {
		r.fail(w, "not protobuf: "+err.Error())
		return false
	}
	return true
}

func (r *otlpReceiver) fail(w http.ResponseWriter, why string) {
	r.mu.Lock()
	r.bad = append(r.bad, why)
	r.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

func (r *otlpReceiver) reply(w http.ResponseWriter, msg proto.Message) {
	raw, _ := proto.Marshal(msg)
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(raw)
}

// spans returns every span received.
func (r *otlpReceiver) spans() []*tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*tracepb.Span
	for _, req := range r.traces {
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				out = append(out, ss.GetSpans()...)
			}
		}
	}
	return out
}

// resourceAttr returns a resource attribute of the first export of either
// signal.
func (r *otlpReceiver) resourceAttr(key string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var attrs []*commonpb.KeyValue
	switch {
	case len(r.traces) > 0 && len(r.traces[0].GetResourceSpans()) > 0:
		attrs = r.traces[0].GetResourceSpans()[0].GetResource().GetAttributes()
	case len(r.metrics) > 0 && len(r.metrics[0].GetResourceMetrics()) > 0:
		attrs = r.metrics[0].GetResourceMetrics()[0].GetResource().GetAttributes()
	}
	return attrValue(attrs, key)
}

// metricsByName returns the latest received data of each metric.
func (r *otlpReceiver) metricsByName() map[string]*metricspb.Metric {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]*metricspb.Metric{}
	for _, req := range r.metrics {
		for _, rm := range req.GetResourceMetrics() {
			for _, sm := range rm.GetScopeMetrics() {
				for _, m := range sm.GetMetrics() {
					out[m.GetName()] = m
				}
			}
		}
	}
	return out
}

func attrValue(attrs []*commonpb.KeyValue, key string) string {
	for _, kv := range attrs {
		if kv.GetKey() == key {
			v := kv.GetValue()
			switch {
			case v.GetStringValue() != "":
				return v.GetStringValue()
			case v.GetIntValue() != 0:
				return strconv.FormatInt(v.GetIntValue(), 10)
			}
		}
	}
	return ""
}
