package main

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Who a request is. Three ways in:
//
//   - an API key: "Authorization: Bearer aig_…" (keys.go). A tenant's key
//     reaches that tenant's runs and jobs; an admin key the admin
//     endpoints; a metrics key GET /metrics.
//   - a trusted proxy: a request whose connection comes from an address in
//     -trusted-proxies may name its tenant in X-Tenant-ID (the proxy
//     authenticated the client). From any other address X-Tenant-ID is
//     refused with 400, never believed.
//   - the local demo: without -tenants there are no keys and one tenant,
//     "default", serves every request — and the service refuses to listen
//     on anything but a loopback address (serve.go).
//
// A missing, malformed, unknown or wrong key — and an X-Tenant-ID from a
// trusted proxy naming no configured tenant — all get the same 401 with
// the same body and WWW-Authenticate header (RFC 6750 section 3), so the
// answer never says which tenants or key ids exist.

// principal is who a request authenticated as. Issue 20's approvals record
// String() as who decided.
type principal struct {
	role string // roleTenant, roleAdmin or roleMetrics
	// tenant is the tenant (roleTenant only).
	tenant *tenant
	// keyID and keyName name the key (empty through a proxy or the demo).
	keyID, keyName string
	// via is how: "api_key", "trusted_proxy" or "local_demo".
	via string
}

// Ways a principal authenticated.
const (
	viaAPIKey       = "api_key"
	viaTrustedProxy = "trusted_proxy"
	viaLocalDemo    = "local_demo"
)

// String names the principal for logs and records: "tenant acme key
// k7f3m2q9", "tenant acme via trusted proxy", "admin key q2w3e4r5",
// "tenant default (local demo)". It holds no secret.
func (p *principal) String() string {
	who := p.role
	if p.tenant != nil {
		who = "tenant " + p.tenant.id
	}
	switch p.via {
	case viaTrustedProxy:
		return who + " via trusted proxy"
	case viaLocalDemo:
		return who + " (local demo)"
	}
	s := who + " key " + p.keyID
	if p.keyName != "" {
		s += " (" + p.keyName + ")"
	}
	return s
}

type principalKey struct{}

// principalOf is the request's principal, or nil before authentication.
func principalOf(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey{}).(*principal)
	return p
}

// authenticator decides who a request is.
type authenticator struct {
	keys    *keyring
	tenants map[string]*tenant
	// proxies are the -trusted-proxies addresses.
	proxies []netip.Prefix
	// demo is the local demo's tenant (no -tenants), else nil.
	demo *tenant
}

// unauthenticated is the one 401: RFC 6750's invalid_token when
// credentials were sent (whatever was wrong with them), the bare challenge
// when none were.
func unauthenticated(sent bool) *httpError {
	challenge := `Bearer realm="aigentic"`
	if sent {
		challenge += `, error="invalid_token"`
	}
	return &httpError{status: http.StatusUnauthorized, reason: reasonUnauthenticated,
		msg:    "missing or invalid API key: send Authorization: Bearer <key>",
		header: http.Header{"Www-Authenticate": {challenge}}}
}

// forbidden: a valid key of another role.
func forbidden(what string) *httpError {
	return &httpError{status: http.StatusForbidden, reason: reasonForbidden, msg: "this key may not " + what}
}

// authenticate returns who r is, for an endpoint open to role. Errors are
// *httpError (400, 401, 403).
func (a *authenticator) authenticate(r *http.Request, role string) (*principal, error) {
	tenantHeader, err := singleHeader(r, "X-Tenant-ID")
	if err != nil {
		return nil, err
	}
	auth, err := singleHeader(r, "Authorization")
	if err != nil {
		return nil, err
	}
	if tenantHeader != "" {
		if !a.trusted(r) {
			return nil, badRequest("X-Tenant-ID is accepted only from a trusted proxy (the service's -trusted-proxies); send Authorization: Bearer <key>")
		}
		if role != roleTenant {
			return nil, unauthenticated(true)
		}
		t, ok := a.tenants[tenantHeader]
		if !ok || !tenantIDPattern.MatchString(tenantHeader) {
			return nil, unauthenticated(true)
		}
		return &principal{role: roleTenant, tenant: t, via: viaTrustedProxy}, nil
	}
	if a.demo != nil {
		switch role {
		case roleTenant:
			return &principal{role: roleTenant, tenant: a.demo, via: viaLocalDemo}, nil
		case roleMetrics:
			return &principal{role: roleMetrics, via: viaLocalDemo}, nil
		}
	}
	if auth == "" {
		return nil, unauthenticated(false)
	}
	token, ok := parseBearer(auth)
	if !ok {
		return nil, unauthenticated(true)
	}
	h := a.keys.lookup(token)
	if h == nil {
		return nil, unauthenticated(true)
	}
	p := &principal{role: h.role, keyID: h.id, keyName: h.name, via: viaAPIKey}
	switch {
	case role == h.role:
	case role == roleMetrics && h.role == roleAdmin:
	case role == roleTenant:
		return nil, forbidden("call a tenant's endpoints (it is " + withArticle(h.role) + " key)")
	default:
		return nil, forbidden("call this endpoint (it is " + withArticle(h.role) + " key)")
	}
	if h.role == roleTenant {
		p.tenant = a.tenants[h.tenant]
		if p.tenant == nil { // a key of a tenant this process does not serve
			return nil, unauthenticated(true)
		}
	}
	return p, nil
}

// trusted reports whether r's connection comes from a trusted proxy.
func (a *authenticator) trusted(r *http.Request) bool {
	if len(a.proxies) == 0 {
		return false
	}
	ip, ok := remoteAddr(r)
	if !ok {
		return false
	}
	for _, p := range a.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// The widest prefixes -trusted-proxies accepts: a prefix wider than
// /8 (IPv4) or /32 (IPv6) is refused, since every address in it may name
// any tenant in X-Tenant-ID, and 0.0.0.0/0 or ::/0 would let every client
// do so. /8 is the widest private IPv4 block (10.0.0.0/8, RFC 1918); /32
// is the smallest IPv6 allocation to an organisation (RFC 6177 and the
// RIRs' policies), so a proxy tier never needs more.
const (
	minProxyPrefixBits4 = 8
	minProxyPrefixBits6 = 32
)

// minProxyPrefixBits is the shortest prefix length -trusted-proxies
// accepts for addr's family (an IPv4-mapped IPv6 prefix counts its IPv4
// bits).
func minProxyPrefixBits(addr netip.Addr) int {
	switch {
	case addr.Is4():
		return minProxyPrefixBits4
	case addr.Is4In6():
		return 96 + minProxyPrefixBits4
	}
	return minProxyPrefixBits6
}

// parseTrustedProxies reads -trusted-proxies: comma-separated IP
// addresses or CIDR prefixes ("10.0.0.0/8,192.168.1.5"); "" is none. A
// prefix shorter than minProxyPrefixBits is an error.
func parseTrustedProxies(v string) ([]netip.Prefix, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	if len(v) > 4096 {
		return nil, fmt.Errorf("-trusted-proxies: longer than 4096 bytes")
	}
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("-trusted-proxies: %s is not an IP address or CIDR prefix (e.g. 10.0.0.0/8)", echo(f))
			}
			if least := minProxyPrefixBits(p.Addr()); p.Bits() < least {
				return nil, fmt.Errorf("-trusted-proxies: %s is too wide: every client in it could name any tenant in X-Tenant-ID; "+
					"give the proxies' own addresses or a prefix of at least /%d", echo(f), least)
			}
			if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
				// Client addresses are unmapped (remoteAddr): so is the prefix.
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil || ip.Zone() != "" {
			return nil, fmt.Errorf("-trusted-proxies: %s is not an IP address or CIDR prefix (e.g. 10.0.0.0/8)", echo(f))
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

// requireRole wraps h: the request must authenticate for role; h gets the
// principal in its context.
func (s *service) requireRole(role string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.auth.authenticate(r, role)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		if err := noQueryParameters(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	}
}

// withArticle is role with its indefinite article: "an admin", "a metrics".
func withArticle(role string) string {
	if role != "" && strings.ContainsRune("aeiou", rune(role[0])) {
		return "an " + role
	}
	return "a " + role
}
