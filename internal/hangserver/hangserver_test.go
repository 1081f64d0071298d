package hangserver_test

import (
	"net"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/hangserver"
)

// The server takes the connection and answers nothing: a read times out.
func TestListenTakesAndNeverAnswers(t *testing.T) {
	c, err := net.Dial("tcp", hangserver.Listen(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	var b [1]byte
	if n, err := c.Read(b[:]); n != 0 || !err.(net.Error).Timeout() {
		t.Fatalf("read %d bytes, %v; want nothing until the deadline", n, err)
	}
}
