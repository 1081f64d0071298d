package secret

import (
	"net/url"
	"strings"
)

// URL is the form of a URL that may be printed or logged: a password in it
// becomes "***" ("http://user:***@host/v1"), a lone user name too (often a
// token, as in https://TOKEN@host), as do the values of its query
// parameters (gateways take keys there) and its fragment. A string that
// does not parse as a URL, or whose "@" is not in a userinfo (a missing
// "://"), keeps only what follows its last "@", after "***@". "" stays "".
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil && strings.Contains(raw, "@") {
		// Not a URL, or one whose "@" is not in a userinfo (a missing
		// "://"): the "@" may still end a credential, and a query or
		// fragment may still hold one.
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i] + string(raw[i]) + "***"
		}
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "***@" + raw[i+1:]
		}
		return raw
	}
	if u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			u.User = url.UserPassword(u.User.Username(), "***")
		} else if u.User.Username() != "" {
			// A lone userinfo is often a token (https://TOKEN@host).
			u.User = url.User("***")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"***"}
		}
		u.RawQuery = q.Encode()
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = "***", ""
	}
	// url.URL.String escapes the "*" of a password; undo it for display.
	return strings.ReplaceAll(u.String(), "%2A%2A%2A", "***")
}
