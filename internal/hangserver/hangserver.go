// Package hangserver is a test server that takes connections and never
// answers: the shape of a stalled model server, for tests that a client's
// timeouts and contexts end a call it would otherwise wait on forever.
package hangserver

import (
	"net"
	"sync"
	"testing"
)

// Listen starts the server on a loopback port and returns its address
// ("127.0.0.1:port"). It accepts every connection and reads nothing and
// writes nothing; when the test ends it stops listening and closes them.
func Listen(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}
