package openai_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Issue 8, input 10, in the provider: a password in the base URL appears
// in no error and no health-check detail.
func TestBaseURLPasswordNeverPrinted(t *testing.T) {
	const secret = "pw-SECRET-7731"
	var printed []string

	_, err := openai.New("m", "", openai.WithBaseURL("ftp://user:"+secret+"@host/v1"))
	printed = append(printed, err.Error())
	_, err = openai.New("m", "", openai.WithBaseURL("http//user:"+secret+"@host/v1"))
	printed = append(printed, err.Error())

	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("hi")), openaitest.WithFaults(openaitest.Status(500)))
	withCreds := strings.Replace(srv.URL(), "http://", "http://user:"+secret+"@", 1)
	m, err := openai.New("gpt-test", "", openai.WithBaseURL(withCreds))
	if err != nil {
		t.Fatal(err)
	}
	pr, err := m.Ping(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	printed = append(printed, pr.Detail)
	_, err = m.Generate(context.Background(), hello)
	printed = append(printed, modelError(t, err).Error())

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now: connection refused
	m, err = openai.New("gpt-test", "", openai.WithBaseURL("http://user:"+secret+"@"+addr+"/v1"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Generate(context.Background(), ai.Request{Messages: hello.Messages, OnDelta: func(string) {}})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	printed = append(printed, err.Error())

	for _, p := range printed {
		if strings.Contains(p, secret) {
			t.Errorf("printed the password: %s", p)
		}
	}
}
