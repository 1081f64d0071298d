package runtest

import (
	"context"
	"path/filepath"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// NewTestTrace returns a Trace writing under t's temporary directory (in a
// "traces" directory the trace creates).
func NewTestTrace(t testing.TB) *aigentic.Trace {
	tr := aigentic.NewTrace()
	tr.Directory = filepath.Join(t.TempDir(), "traces")
	return tr
}

// SpanRecorder returns a tracer provider recording every span it ends,
// shut down when t ends.
func SpanRecorder(t testing.TB) (*sdktrace.TracerProvider, *tracetest.SpanRecorder) {
	t.Helper()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, sr
}
