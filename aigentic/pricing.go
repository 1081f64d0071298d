package aigentic

import "github.com/nexxia-ai/aigentic-examples/aigentic/ai"

// Pricing is what a model's tokens cost, in US dollars per one million
// tokens. Providers publish list prices per million tokens (OpenAI's
// pricing page, for one); they change, so callers supply them rather than
// the runtime guessing. A nil *Pricing means the cost is unknown.
type Pricing struct {
	// InputPerMTok is the price of one million input (prompt) tokens, USD.
	InputPerMTok float64
	// OutputPerMTok is the price of one million output (completion)
	// tokens, USD; reasoning tokens are output tokens.
	OutputPerMTok float64
	// CachedInputPerMTok is the price of one million input tokens served
	// from the provider's prompt cache (ai.Usage.CachedInputTokens), USD;
	// 0 prices them as other input tokens. OpenAI and Anthropic bill cached
	// input at a fraction of the input price.
	CachedInputPerMTok float64
}

// Cost is the estimated cost of usage in US dollars: uncached input at
// InputPerMTok, cached input at CachedInputPerMTok (InputPerMTok when
// that is 0), output at OutputPerMTok. A nil Pricing costs 0; check for
// nil to tell "free" from "unknown".
func (p *Pricing) Cost(u ai.Usage) float64 {
	if p == nil {
		return 0
	}
	u = u.Bounded()
	cached := min(u.CachedInputTokens, u.InputTokens)
	cachedPrice := p.CachedInputPerMTok
	if cachedPrice == 0 {
		cachedPrice = p.InputPerMTok
	}
	return (float64(u.InputTokens-cached)*p.InputPerMTok + float64(cached)*cachedPrice + float64(u.OutputTokens)*p.OutputPerMTok) / 1e6
}
