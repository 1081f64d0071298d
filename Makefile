# Common tasks. Every target works offline, with no API key.
GO ?= go

.PHONY: run test bench lint smoke examples

## run: the production example, offline unless OPENAI_API_KEY is set
run:
	$(GO) run ./production

## test: the whole test suite with the race detector (what CI runs)
test:
	$(GO) test -race ./...

## bench: runtime benchmarks (runtime vs a hand-written loop; 2,000 concurrent runs)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./aigentic/

## lint: formatting, vet and staticcheck (as CI)
lint:
	@test -z "$$(gofmt -l .)" || (echo "gofmt would change:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

## smoke: build the nine examples that share internal/cli's command line; bad
## input, -h and an offline run, alike in each
smoke:
	$(GO) test -count=1 -run 'Alike|OfflineRunsPlain' ./internal/cli

## examples: run every example once (the service, a server, aside), offline
examples:
	$(GO) run ./hello
	$(GO) run ./production
	$(GO) run ./tools
	$(GO) run ./memory
	$(GO) run ./multi-agent
	$(GO) run ./approval
	$(GO) run ./failover
	$(GO) run ./guardrails
	$(GO) run ./chat
	$(GO) run ./mcp
