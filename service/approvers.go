package main

import (
	"errors"
	"fmt"
	"net/http"
)

// Who may decide an approval. Asking for a refund and approving it must
// take two people: a job's approvals (approvals.go) are decided only by
// a principal holding the tenant's approver role, and never by the key
// that created the job — the four-eyes rule of payments and refunds
// ("segregation of duties", NIST SP 800-53 AC-5). Reading a job and its
// approvals stays open to every key of the tenant.
//
//   - An API key decides when the tenant's approver_keys lists its id,
//     and it is not the key that created the job (AskArgs.CreatedByKey).
//     A job whose creator is not recorded — queued by a version of the
//     service that did not record it — cannot be decided by a key: its
//     approval is denied when its window ends (fail closed).
//   - A trusted proxy (X-Tenant-ID) decides only when the tenant says
//     proxy_may_approve: true. The service sees the proxy, not the person
//     behind it, so no header of the proxy's ("X-Approver: true") is
//     believed; the proxy must itself let only approvers decide, and not
//     the person who asked.
//   - The local demo (no -tenants: one tenant, loopback only, no keys)
//     decides its own approvals: one person at one machine asks and
//     approves, which is the demo.
//
// Everyone else gets 403 — they did authenticate — with a body that says
// what role is missing and nothing about the job or the approval: the
// role is checked before either is looked up. The four-eyes refusal comes
// after the job is found, which its creator could read anyway.

// errApprovers is wrapped by every tenants-file error about approver_keys
// (ErrTenantsFile wraps it in turn).
var errApprovers = errors.New("approver_keys")

// checkApprovers checks tenant id's approver_keys: each must be the id
// of one of the tenant's own api_keys, listed once.
func checkApprovers(id string, c TenantConfig) error {
	own := make(map[string]bool, len(c.APIKeys))
	for _, k := range c.APIKeys {
		own[k.ID] = true
	}
	seen := make(map[string]bool, len(c.ApproverKeys))
	for i, k := range c.ApproverKeys {
		switch {
		case len(k) != keyIDLen || !isBase32(k):
			// Not quoted: it may be a whole key pasted by mistake.
			return fmt.Errorf("tenant %q: %w entry %d is not a key id (want the 8 characters after aig_ of one of the tenant's api_keys)", id, errApprovers, i+1)
		case !own[k]:
			return fmt.Errorf("tenant %q: %w entry %d: %s names no key in this tenant's api_keys", id, errApprovers, i+1, k)
		case seen[k]:
			return fmt.Errorf("tenant %q: %w entry %d: %s is listed twice", id, errApprovers, i+1, k)
		}
		seen[k] = true
	}
	return nil
}

// mayDecide reports whether p holds its tenant's approver role (see the
// top of this file); the four-eyes rule is mayDecideJob's.
func (p *principal) mayDecide() bool {
	if p.role != roleTenant || p.tenant == nil {
		return false
	}
	switch p.via {
	case viaLocalDemo:
		return true
	case viaTrustedProxy:
		return p.tenant.cfg.ProxyMayApprove
	case viaAPIKey:
		return p.keyID != "" && p.tenant.approvers[p.keyID]
	}
	return false
}

// notApprover is the 403 of a principal without the approver role.
func notApprover(p *principal) *httpError {
	msg := "this key may not decide approvals: only the tenant's approver keys may (approver_keys in the tenants file)"
	if p.via == viaTrustedProxy {
		msg = "requests through the trusted proxy may not decide approvals: the tenant's proxy_may_approve is false"
	}
	return &httpError{status: http.StatusForbidden, reason: reasonForbidden, msg: msg}
}

// mayDecideJob is nil when p (an approver: mayDecide) may decide the
// approvals of a job created as args records, else the 403 saying why.
func (p *principal) mayDecideJob(args AskArgs) *httpError {
	if p.via != viaAPIKey {
		return nil // the demo decides its own; a proxy answers for its users
	}
	switch {
	case args.CreatedBy == "":
		return &httpError{status: http.StatusForbidden, reason: reasonForbidden,
			msg: "who created this job is not recorded, so no key may decide its approvals (four-eyes cannot be checked); it is denied when its approval window ends"}
	case args.CreatedByKey == p.keyID:
		return &httpError{status: http.StatusForbidden, reason: reasonForbidden,
			msg: "the key that created this job may not decide its approvals: another approver must (four-eyes)"}
	}
	return nil
}
