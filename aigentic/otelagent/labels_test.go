package otelagent_test

import (
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/otelagent"
)

// answerLabels reports one run whose model answered resp, and returns the
// attributes of its gen_ai.client.operation.duration observation.
func answerLabels(t *testing.T, resp *ai.Response) map[string]string {
	t.Helper()
	mp, reader := meterReader(t)
	d := drive(t, tracenoop.NewTracerProvider(), mp)
	d.answer(resp)
	d.end(hook.Stats{})
	h, ok := collect(t, reader)["gen_ai.client.operation.duration"].Data.(metricdata.Histogram[float64])
	if !ok || len(h.DataPoints) != 1 {
		t.Fatalf("operation.duration = %+v, want one observation", h)
	}
	out := map[string]string{}
	for _, kv := range h.DataPoints[0].Attributes.ToSlice() {
		out[string(kv.Key)] = kv.Value.String()
	}
	return out
}

// gen_ai.response.model, a value the provider sends, is a label only when
// it is the model asked for ("scripted"), a dated version of it (the name,
// "-", then digits and dashes, at most 16 bytes of them), or a name the
// program allowed; anything else is "_OTHER", and a response naming no
// model has no such label.
func TestOTelResponseModelLabelIsBounded(t *testing.T) {
	otelagent.AllowResponseModels("gateway-model-7")
	const other = otelagent.Other
	for _, tc := range []struct{ sent, want string }{
		{"scripted", "scripted"},
		{"scripted-2024-07-18", "scripted-2024-07-18"},
		{"scripted-0613", "scripted-0613"},
		{"scripted-2019-09-29", "scripted-2019-09-29"},
		{"scripted-2024-07-18-00001", "scripted-2024-07-18-00001"}, // a 16-byte version
		{"scripted-2024-07-18-000001", other},                      // 17 bytes
		{"scripted-", other},
		{"scripted-evil", other},
		{"scripted-2024-07-18x", other},
		{"scripted-2024/07", other}, // '/' sorts just below '0'
		{"scripted-2024:07", other}, // ':' just above '9'
		{"scripted2024", other},
		{"gpt-4o", other},
		{"gateway-model-7", "gateway-model-7"},
	} {
		resp := reply(ai.Usage{})
		resp.Model = tc.sent
		if got := answerLabels(t, resp)["gen_ai.response.model"]; got != tc.want {
			t.Errorf("response model %q: label %q, want %q", tc.sent, got, tc.want)
		}
	}
	got := answerLabels(t, reply(ai.Usage{}))
	if v, ok := got["gen_ai.response.model"]; ok {
		t.Errorf("a response naming no model has gen_ai.response.model %q", v)
	}
}

// gen_ai.provider.name is the run's model's provider ("acme"), also when
// the response names it; a response naming another provider (a failover
// list answering) gives that name only when the program allowed it.
func TestOTelProviderLabelIsBounded(t *testing.T) {
	otelagent.AllowProviders("backup-provider-7")
	for _, tc := range []struct{ sent, want string }{
		{"", "acme"},
		{"acme", "acme"},
		{"backup-provider-7", "backup-provider-7"},
		{"rogue", otelagent.Other},
	} {
		resp := reply(ai.Usage{})
		resp.Provider = tc.sent
		if got := answerLabels(t, resp)["gen_ai.provider.name"]; got != tc.want {
			t.Errorf("response provider %q: label %q, want %q", tc.sent, got, tc.want)
		}
	}
}

// aigentic.token.usage.detail counts cached input and reasoning output
// tokens only when the provider reported some: a response without them
// adds no observation (not even a 0), so a dashboard can tell "none
// reported" from absent support.
func TestOTelTokenDetailOnlyWhenReported(t *testing.T) {
	for _, tc := range []struct {
		name              string
		cached, reasoning int
	}{{"neither", 0, 0}, {"cached", 7, 0}, {"reasoning", 0, 5}, {"both", 3, 4}} {
		mp, reader := meterReader(t)
		d := drive(t, tracenoop.NewTracerProvider(), mp)
		d.answer(reply(ai.Usage{InputTokens: 20, OutputTokens: 9, CachedInputTokens: tc.cached, ReasoningTokens: tc.reasoning}))
		got := map[string]int64{}
		if m, ok := collect(t, reader)["aigentic.token.usage.detail"]; ok {
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				v, _ := p.Attributes.Value("aigentic.token.detail")
				got[v.String()] += p.Value
				if !match(p.Attributes, map[string]string{"gen_ai.provider.name": "acme", "gen_ai.request.model": "scripted"}) {
					t.Errorf("%s: detail point without the chat attributes: %v", tc.name, p.Attributes.ToSlice())
				}
			}
		}
		want := map[string]int64{}
		if tc.cached > 0 {
			want["cache_read"] = int64(tc.cached)
		}
		if tc.reasoning > 0 {
			want["reasoning"] = int64(tc.reasoning)
		}
		if len(got) != len(want) || got["cache_read"] != want["cache_read"] || got["reasoning"] != want["reasoning"] {
			t.Errorf("%s: token detail points %v, want %v", tc.name, got, want)
		}
	}
}

// An execute_tool span carries Meta keys of up to 64 bytes in the allowed
// namespaces; a longer key is not an attribute name we pass on.
func TestOTelToolMetaKeysUpTo64Bytes(t *testing.T) {
	tp, sr := spanRecorder(t)
	at64 := "mcp." + strings.Repeat("k", 60)
	at65 := "mcp." + strings.Repeat("k", 61)
	tool := (&countingTool{}).Tool("orders_lookup", nil)
	tool.Meta = map[string]string{at64: "kept", at65: "dropped"}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("orders_lookup", `{}`)), aitest.Reply("done"))
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), TracerProvider: tp, AgentTools: []aigentic.AgentTool{tool}}).Execute("go"); err != nil {
		t.Fatal(err)
	}
	ts := spanTree(sr.Ended()).one(t, "execute_tool orders_lookup")
	wantAttr(t, ts, at64, "kept")
	if hasAttr(ts, at65) {
		t.Errorf("a %d-byte Meta key reached the span", len(at65))
	}
}

// A server that sends a new dated version with every answer does not grow
// the metrics without limit: at most MaxDatedVersions dated versions are
// kept in a process, the first seen (some may be by earlier tests), and a
// kept one stays kept.
func TestOTelDatedVersionsAreCapped(t *testing.T) {
	kept := []string{}
	for i := range 2 * otelagent.MaxDatedVersions {
		resp := reply(ai.Usage{})
		resp.Model = "scripted-" + strings.Repeat("1", 1+i%8) + "-" + strings.Repeat("2", 1+i/8)
		if got := answerLabels(t, resp)["gen_ai.response.model"]; got == resp.Model {
			kept = append(kept, got)
		} else if got != otelagent.Other {
			t.Fatalf("response model %q: label %q", resp.Model, got)
		}
	}
	if len(kept) == 0 || len(kept) > otelagent.MaxDatedVersions {
		t.Fatalf("%d of %d new dated versions kept, want 1 to %d", len(kept), 2*otelagent.MaxDatedVersions, otelagent.MaxDatedVersions)
	}
	resp := reply(ai.Usage{})
	resp.Model = kept[0]
	if got := answerLabels(t, resp)["gen_ai.response.model"]; got != kept[0] {
		t.Fatalf("a kept version %q became %q", kept[0], got)
	}
	resp.Model = "scripted" // the model asked for is never capped
	if got := answerLabels(t, resp)["gen_ai.response.model"]; got != "scripted" {
		t.Fatalf("the model asked for became %q", got)
	}
}
