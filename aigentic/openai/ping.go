package openai

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/openai/openai-go/v3/option"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// maxListed is how many of a server's models an unverified Ping names.
const maxListed = 3

// Ping implements ai.Model with GET {base}/models/{model}: a cheap
// authenticated request. See the package documentation for what it tells
// apart; a check that could not verify the model says so in
// PingResult.Unverified and Detail.
func (m *Model) Ping(ctx context.Context) (*ai.PingResult, error) {
	if err := m.usable(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	x := m.newExchange(nil, false)
	info, err := m.models.Get(ctx, m.name, option.WithMiddleware(x.middleware))
	if err == nil && info == nil {
		// A JSON null body: the SDK returns no model and no error.
		return nil, m.nullAnswer(x)
	}
	if err == nil {
		if info != nil && info.ID != "" && info.ID != m.name {
			// A proxy that answers for any name with the model it serves.
			return m.unverified(fmt.Sprintf("reachable, but asked for model %q the server described %q: it may answer with another model", m.name, clip(info.ID))), nil
		}
		detail := "model available"
		if info != nil && info.OwnedBy != "" {
			detail += ", owned by " + clip(info.OwnedBy)
		}
		return m.pingResult(detail), nil
	}
	me := m.classify(ctx, err, x)
	if me.StatusCode != http.StatusNotFound || me.Code == "model_not_found" {
		return nil, me
	}
	// No GET /models/{id} (vLLM, LM Studio, llama.cpp's llama-server,
	// which serves any model name): the route answered after any auth
	// check, so the server is reachable and the key accepted. The list of
	// models may still say whether the model is there.
	return m.pingByList(ctx), nil
}

// pingByList looks the model up in GET {base}/models, for a server
// without GET /models/{id}: listed is verified; not listed, or no list, is
// reachable but unverified — llama-server answers a request for any model
// name with the one it serves, so a typo in the name passes every request.
func (m *Model) pingByList(ctx context.Context) *ai.PingResult {
	const noRoute = "reachable; the server does not implement GET /models/{id}"
	page, err := m.models.List(ctx, option.WithMiddleware(m.newExchange(nil, false).middleware))
	if err != nil || page == nil || len(page.Data) == 0 {
		return m.unverified(noRoute + " nor list its models, so the model was not verified")
	}
	var ids []string
	for _, info := range page.Data {
		if info.ID == m.name {
			return m.pingResult("model listed by the server")
		}
		if len(ids) < maxListed {
			ids = append(ids, fmt.Sprintf("%q", clip(info.ID)))
		}
	}
	listed := strings.Join(ids, ", ")
	if len(page.Data) > maxListed {
		listed += fmt.Sprintf(" and %d more", len(page.Data)-maxListed)
	}
	return m.unverified(fmt.Sprintf("reachable, but the server does not list model %q (it lists %s): it may answer with another model, so the model was not verified", m.name, listed))
}

func (m *Model) unverified(detail string) *ai.PingResult {
	r := m.pingResult(detail)
	r.Unverified = true
	return r
}

func (m *Model) pingResult(detail string) *ai.PingResult {
	where := m.redact.clean(secret.URL(m.baseURL))
	if !m.hasKey {
		where += " (no API key)"
	}
	return &ai.PingResult{Provider: providerName, Model: m.name, Detail: m.redact.clean(detail) + " at " + where}
}
