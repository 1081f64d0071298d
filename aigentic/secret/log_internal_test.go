package secret

import "testing"

func TestCapLogValueKeepsUTF8(t *testing.T) {
	defer SetLogValueLimit(SetLogValueLimit(5))
	if got := capLogValue("ééé"); got != "éé…[truncated 2 bytes]" {
		t.Fatalf("got %q", got)
	}
	if got := capLogValue("abcde"); got != "abcde" {
		t.Fatalf("got %q", got)
	}
}
