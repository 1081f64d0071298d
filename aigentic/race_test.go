//go:build race

package aigentic_test

// raceAllocs: under the race detector a run allocates a few more, and not
// always as many (its sync.Pool drops items at random, and slog pools its
// buffers); .ci/run checks the exact budget without -race.
const raceAllocs = 4
