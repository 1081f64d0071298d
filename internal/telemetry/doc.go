// Package telemetry sets up OpenTelemetry for a process from the standard
// OTEL_* environment variables, and serves the metrics to Prometheus.
//
// [New] returns [Providers]: a TracerProvider and a MeterProvider to hand to
// aigentic.Agent (fields TracerProvider and MeterProvider) or to install as
// the global providers ([Providers.InstallGlobal]), an http.Handler for
// /metrics ([Providers.MetricsHandler]) and a Shutdown that flushes.
//
// # Export
//
// Traces and metrics go out over OTLP/HTTP (protobuf) only when an endpoint
// is configured — OTEL_EXPORTER_OTLP_ENDPOINT, or the signal's own
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_METRICS_ENDPOINT —
// and the signal's exporter selector (OTEL_TRACES_EXPORTER,
// OTEL_METRICS_EXPORTER) is unset or names "otlp". With no endpoint nothing
// leaves the process: the TracerProvider is a no-op and metrics are only
// served on /metrics. The exporters themselves read the rest of the
// OTEL_EXPORTER_OTLP_* variables (headers, timeout, compression,
// certificates); [New] checks the values first, so a malformed one is an
// error wrapping [ErrBadEnv] naming the variable — never a panic, never a
// silently ignored setting. Header values are secrets and never appear in
// an error. The rules are the OpenTelemetry specification's "Environment
// Variable Specification" and "OTLP Exporter Configuration".
//
// The resource comes from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
// (the SDK's environment detector) over the telemetry.sdk.* attributes and
// the default service name given by [WithServiceName].
//
// # Prometheus
//
// Metrics are always readable in the Prometheus text format through the
// OpenTelemetry Prometheus exporter, registered on a prometheus.Registry of
// their own (with the Go runtime and process collectors), never on the
// client library's global registry. The exporter turns OpenTelemetry names
// into Prometheus names by its default strategy (UnderscoreEscapingWithSuffixes
// of github.com/prometheus/otlptranslator):
//
//   - dots become underscores: aigentic.retries.exhausted → aigentic_retries_exhausted;
//   - the unit is appended in Prometheus' words: unit "s" → _seconds; a
//     unit in braces ({token}, {run}, {call}, {retry}, {failure}) is an
//     annotation and is dropped; "USD" has no Prometheus word and is kept
//     as written (_USD);
//   - counters get _total; histograms are _bucket{le}, _sum and _count;
//   - attribute keys become label names the same way (gen_ai.token.type →
//     gen_ai_token_type), and every series carries otel_scope_name and
//     otel_scope_version (the meter's instrumentation scope);
//   - the resource becomes one target_info series (service_name,
//     telemetry_sdk_*, and OTEL_RESOURCE_ATTRIBUTES).
//
// The names of the aigentic runtime's instruments as Prometheus shows them
// (asserted by TestPrometheusNamesOfAgreedInstruments, and used by the
// alert rules in deploy/prometheus):
//
//	gen_ai.client.token.usage          {token} histogram → gen_ai_client_token_usage_{bucket,sum,count}
//	gen_ai.client.operation.duration   s histogram       → gen_ai_client_operation_duration_seconds_{bucket,sum,count}
//	aigentic.runs                      {run} counter     → aigentic_runs_total
//	aigentic.run.duration              s histogram       → aigentic_run_duration_seconds_{bucket,sum,count}
//	aigentic.tool.calls                {call} counter    → aigentic_tool_calls_total
//	aigentic.retries                   {retry} counter   → aigentic_retries_total
//	aigentic.retries.exhausted         {failure} counter → aigentic_retries_exhausted_total
//	aigentic.rate_limit.wait.duration  s histogram       → aigentic_rate_limit_wait_duration_seconds_{bucket,sum,count}
//	aigentic.cost                      USD counter       → aigentic_cost_USD_total
//
// # Histogram buckets
//
// The SDK's default buckets (0 … 10000) suit milliseconds, not seconds or
// token counts. Every histogram in unit "s" gets the boundaries the
// OpenTelemetry GenAI semantic conventions give for
// gen_ai.client.operation.duration ([DurationBuckets]), and every histogram
// in unit "{token}" those given for gen_ai.client.token.usage
// ([TokenBuckets]), on every reader.
//
// # Bounded attribute values
//
// A metric attribute whose value comes from outside the program makes one
// series per value. [DefaultAttributeLimits] bound the GenAI attributes a
// model's server chooses (gen_ai.response.model, gen_ai.provider.name) and
// error.type; [WithAttributeLimits] adds others (a service's tenant label,
// from its configured tenants). A value outside a limit's allowed and
// learned set is dropped from the measurement ([AttributeLimit]). The SDK's
// own cardinality limit (2,000 series per instrument, the overflow series
// carrying otel_metric_overflow="true") stays underneath as the last net.
package telemetry
