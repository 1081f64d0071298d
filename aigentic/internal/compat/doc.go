// Package compat proves that programs written the way the aigentic
// library's examples of its v0.7.0 era are written — approval, memory,
// multi-agent, production, simple, streaming, tools — compile against this
// repository with only their import paths rewritten, and run offline.
//
// Each directory holds one such program of our own (not the library's
// code), importing only the standard library and the rewritten library
// packages: aigentic, aigentic/openai, aigentic/utils and aigentic/memory.
// Like the library's examples, each loads ../.env with utils.LoadEnvFile
// and builds its model with openai.NewModel("gpt-4o-mini", key).
//
// compat_test.go builds them all, checks their imports, and runs each one
// against a fake OpenAI server on 127.0.0.1 (openaitest) answering with
// the offline model — the API key coming from the ../.env file — and checks
// what it prints.
package compat
