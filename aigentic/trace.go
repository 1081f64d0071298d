package aigentic

import "github.com/nexxia-ai/aigentic-examples/aigentic/tracefile"

// Trace records runs in readable text files, one per run: see
// tracefile.Trace. Set Agent.Trace and the runtime registers it as an
// observer of the agent's runs (and of its sub-agents' runs that have no
// Trace of their own).
type Trace = tracefile.Trace

// NewTrace returns a trace writing to DefaultTraceDir(), with the default
// caps and retention (tracefile.New).
func NewTrace() *Trace { return tracefile.New() }

// TraceSummary is what [ReadTraceSummary] learns from a trace file.
type TraceSummary = tracefile.Summary

// ReadTraceSummary reads a trace file back and counts what it recorded
// (tracefile.ReadSummary).
func ReadTraceSummary(path string) (TraceSummary, error) { return tracefile.ReadSummary(path) }

// DefaultTraceDir is where a NewTrace writes (tracefile.DefaultDir).
func DefaultTraceDir() string { return tracefile.DefaultDir() }

// FallbackTraceDir is where traces go when DefaultTraceDir is not safe to
// use (tracefile.FallbackDir).
func FallbackTraceDir() string { return tracefile.FallbackDir() }

// The defaults of a Trace's caps and retention (see tracefile).
const (
	DefaultTraceMaxFileBytes         = tracefile.DefaultMaxFileBytes
	DefaultTraceMaxToolArgumentBytes = tracefile.DefaultMaxToolArgumentBytes
	DefaultTraceMaxToolResultBytes   = tracefile.DefaultMaxToolResultBytes
	DefaultTraceMaxResponseBytes     = tracefile.DefaultMaxResponseBytes
	DefaultTraceMaxFiles             = tracefile.DefaultMaxFiles
	DefaultTraceMaxAge               = tracefile.DefaultMaxAge
)
