package secret_test

import (
	"fmt"
	"net/url"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// A key in a format no pattern knows is redacted once registered, in the
// forms it takes in JSON and URLs too.
func ExampleRegister() {
	key := "tenant-7/Qx+9vZ=w"
	secret.Register(key)
	fmt.Println(secret.Redact("calling with " + key))
	fmt.Println(secret.Redact(`{"token":"` + key + `"}`))
	fmt.Println(secret.Redact("https://api.example.com/v1?token=" + url.QueryEscape(key)))
	fmt.Println(secret.Redact("short values stay: 1234567"))
	// Output:
	// calling with [REDACTED]
	// {"token":"[REDACTED]"}
	// https://api.example.com/v1?token=[REDACTED]
	// short values stay: 1234567
}
