package main

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"

	"riverqueue.com/riverui"
)

// River's own job dashboard, riverqueue.com/riverui (its built pages are
// embedded in the Go module), served by every process that serves the
// API (-role api or all) at /riverui/, behind an admin key. It works on
// both of the service's databases: riverui v0.22 has a PostgreSQL driver
// and a SQLite one (it picks by the River client's driver: riverpgxv5 or
// riversqlite). Operators see each tenant's queue, jobs by state — a job
// waiting for approval is "scheduled" until its deadline —, each job's
// attempts, errors and output (worker.go records the run's outcome and
// figures there), and can retry or cancel jobs, pause queues.
//
// A browser cannot send "Authorization: Bearer" by itself, so these
// routes also take HTTP Basic authentication (RFC 7617) with the admin key
// as the password (any user name): the browser asks once and sends it
// with every request of the page, the UI's own API calls included. Basic
// credentials a browser keeps are sent by it to this origin whatever page
// asks, so requests that change something (POST, DELETE, …) must come
// from the same origin (net/http's CrossOriginProtection, on Sec-Fetch-Site
// and Origin): another site cannot make an operator's browser cancel jobs.
// Job arguments (tenants' queries) are hidden in lists until asked for
// (JobListHideArgsByDefault). In the local demo (no -tenants, loopback
// only) there are no keys and the UI is open like the rest.

// riverUIPrefix is where River's UI is served.
const riverUIPrefix = "/riverui"

// uiHandler is River's UI on this client (see queue.uiHandler).
func (q *riverQueue[TTx]) uiHandler(logger *slog.Logger, prefix string) (*riverui.Handler, error) {
	return riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints:                riverui.NewEndpoints(q.Client, nil),
		JobListHideArgsByDefault: true,
		Logger:                   logger,
		Prefix:                   prefix,
	})
}

// uiRoute wraps River's UI: an admin key (Bearer, or Basic with the key as
// the password), same-origin for unsafe methods.
func (s *service) uiRoute() http.Handler {
	cop := http.NewCrossOriginProtection()
	h := cop.Handler(s.ui)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.auth.authenticateUI(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// basicChallenge asks a browser for the admin key (RFC 7617).
const basicChallenge = `Basic realm="aigentic River UI: any user name, the admin key as password", charset="UTF-8"`

// authenticateUI is who a request to River's UI is: an admin key as a
// Bearer token or as a Basic password; the local demo's anyone. A 401
// challenges for Basic, so a browser prompts; a tenant's or a metrics key
// is a 403.
func (a *authenticator) authenticateUI(r *http.Request) (*principal, error) {
	if a.demo != nil {
		return &principal{role: roleAdmin, via: viaLocalDemo}, nil
	}
	auth, err := singleHeader(r, "Authorization")
	if err != nil {
		return nil, err
	}
	if token, ok := parseBasicPassword(auth); ok {
		h := a.keys.lookup(token)
		switch {
		case h == nil:
			return nil, uiUnauthenticated(true)
		case h.role != roleAdmin:
			return nil, forbidden("open River's UI (it is " + withArticle(h.role) + " key)")
		}
		return &principal{role: roleAdmin, keyID: h.id, keyName: h.name, via: viaAPIKey}, nil
	}
	p, err := a.authenticate(r, roleAdmin)
	if he, ok := err.(*httpError); ok && he.status == http.StatusUnauthorized {
		return nil, uiUnauthenticated(auth != "")
	}
	return p, err
}

// uiUnauthenticated is the UI's 401: the API's, challenging for Basic too.
func uiUnauthenticated(sent bool) *httpError {
	e := unauthenticated(sent)
	e.msg = "missing or invalid admin key: open River's UI with the admin key as the password (any user name), or send Authorization: Bearer <admin key>"
	e.header = http.Header{"Www-Authenticate": {basicChallenge, e.header.Get("Www-Authenticate")}}
	return e
}

// parseBasicPassword returns the password of an "Authorization: Basic
// <base64 of user:password>" header (RFC 7617; the scheme is
// case-insensitive). ok is false for another scheme, a header longer than
// maxAuthorizationLen, or one that does not decode to "user:password".
func parseBasicPassword(h string) (password string, ok bool) {
	if h == "" || len(h) > maxAuthorizationLen {
		return "", false
	}
	scheme, rest, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimLeft(rest, " "))
	if err != nil {
		return "", false
	}
	_, pass, found := strings.Cut(string(b), ":")
	if !found || pass == "" {
		return "", false
	}
	return pass, true
}
