package main

import (
	"fmt"
	"net/url"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// modelPrices are OpenAI's published list prices, in US dollars per 1M
// tokens (standard tier; input without the cached-input discount), as of
// mid-2025. Prices change: check https://openai.com/api/pricing before
// relying on these, and set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT to
// override. A model not listed here has an unknown cost, never a guess.
var modelPrices = map[string]aigentic.Pricing{
	"gpt-4o-mini":  {InputPerMTok: 0.15, OutputPerMTok: 0.60},
	"gpt-4o":       {InputPerMTok: 2.50, OutputPerMTok: 10.00},
	"gpt-4.1":      {InputPerMTok: 2.00, OutputPerMTok: 8.00},
	"gpt-4.1-mini": {InputPerMTok: 0.40, OutputPerMTok: 1.60},
	"gpt-4.1-nano": {InputPerMTok: 0.10, OutputPerMTok: 0.40},
}

// pricing is how the program prices tokens: price is nil when unknown.
type pricing struct {
	price  *aigentic.Pricing
	source string
}

// resolvePricing picks the price: the override when set; 0 for the
// offline model; the table's price for an OpenAI model; unknown otherwise
// (another server's prices are not OpenAI's).
func resolvePricing(s provider.Settings, override *aigentic.Pricing) pricing {
	switch {
	case override != nil:
		return pricing{price: override, source: "from PRICE_PER_MTOK_IN/OUT"}
	case s.Offline():
		return pricing{price: &aigentic.Pricing{}, source: "the offline model is free"}
	case s.BaseURL != "" && !isOpenAI(s.BaseURL):
		return pricing{source: "OPENAI_BASE_URL is not OpenAI, so its prices are not known; set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT"}
	}
	pr, ok := modelPrices[s.Model]
	if !ok {
		return pricing{source: fmt.Sprintf("no price for model %q in the table; set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT", s.Model)}
	}
	return pricing{price: &pr, source: "OpenAI list price of " + s.Model + ", from the table in pricing.go; prices change"}
}

func isOpenAI(baseURL string) bool {
	u, err := url.Parse(baseURL)
	return err == nil && u.Hostname() == "api.openai.com"
}

// String describes the pricing for the start-up line.
func (p pricing) String() string {
	switch {
	case p.price == nil:
		return "unknown (" + p.source + ")"
	case *p.price == (aigentic.Pricing{}):
		return "$0 (" + p.source + ")"
	}
	return fmt.Sprintf("$%g per 1M input tokens, $%g per 1M output tokens (%s)", p.price.InputPerMTok, p.price.OutputPerMTok, p.source)
}
