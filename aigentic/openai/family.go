package openai

import (
	"fmt"
	"net/url"
	"strings"
)

// Family is a kind of OpenAI-compatible server. Servers differ in the
// request fields they accept and in what they need sent back; the
// conformance tests (conformance_<family>_test.go) replay what each is
// documented or publicly reported to do. [NewModel] detects the family
// from the base URL's host ([DetectFamily]); [WithFamily] sets it.
type Family string

// The server families. Each one's request rules are listed in
// [Family.Rules].
const (
	FamilyOpenAI     Family = "openai"     // api.openai.com
	FamilyAzure      Family = "azure"      // Azure OpenAI (*.openai.azure.com)
	FamilyDeepSeek   Family = "deepseek"   // api.deepseek.com
	FamilyGemini     Family = "gemini"     // generativelanguage.googleapis.com/v1beta/openai
	FamilyGroq       Family = "groq"       // api.groq.com/openai/v1
	FamilyMistral    Family = "mistral"    // api.mistral.ai/v1
	FamilyOpenRouter Family = "openrouter" // openrouter.ai/api/v1
	FamilyOllama     Family = "ollama"     // port 11434
	FamilyVLLM       Family = "vllm"       // vLLM's OpenAI-compatible server
	FamilyLlamaCpp   Family = "llamacpp"   // llama.cpp's llama-server
	FamilyLMStudio   Family = "lmstudio"   // port 1234
	FamilyLocalAI    Family = "localai"    // LocalAI
	// FamilyCompatible is any other OpenAI-compatible server: the request
	// fields most servers accept.
	FamilyCompatible Family = "compatible"
)

// TokenCapField is the request field that carries the output cap
// ([WithMaxTokens]).
type TokenCapField string

// The output cap's two names. OpenAI's reasoning models reject
// max_tokens ("Unsupported parameter: 'max_tokens' ... Use
// 'max_completion_tokens' instead"); older vLLM (0.5.x) and servers that
// predate the rename reject or ignore max_completion_tokens
// (voideditor/void#128, 1Panel-dev/MaxKB#3073).
const (
	CapMaxCompletionTokens TokenCapField = "max_completion_tokens"
	CapMaxTokens           TokenCapField = "max_tokens"
)

// Rules are what a family's server accepts and requires. [Family.Rules]
// gives each family's; options override them one by one.
type Rules struct {
	// StreamUsage sends stream_options.include_usage with a streamed
	// request. Servers that validate strictly reject it: Groq ("property
	// 'stream_options' is unsupported", vercel/ai#1578), Mistral (422
	// "Extra inputs are not permitted", openai/openai-agents-python#442),
	// proxies ("Unknown parameter: 'stream_options'",
	// QuantumNous/new-api#418). [WithStreamUsage] overrides it.
	StreamUsage bool
	// TokenCap is the name the output cap is sent under.
	// [WithTokenCapField] overrides it.
	TokenCap TokenCapField
	// ReasoningContent sends an assistant message's reasoning text back
	// as reasoning_content: DeepSeek's thinking mode answers 400 "Missing
	// `reasoning_content` field in the assistant message" without it
	// (continuedev/continue#10193), while OpenAI rejects the unknown
	// field. [WithReasoningContent] overrides it.
	ReasoningContent bool
	// JSONSchema sends a typed answer's schema as response_format
	// {type: "json_schema"}; without it the schema goes into the
	// instructions. [WithStructuredOutput] overrides it.
	JSONSchema bool
	// ShortToolCallIDs rewrites tool-call IDs into the 9 letters and
	// digits Mistral requires ("Tool call id was call_1_0 but must be a-z,
	// A-Z, 0-9, with a length of 9", anomalyco/opencode#1680), the same
	// way in every request, so that IDs made up by the runtime or another
	// provider are accepted.
	ShortToolCallIDs bool
}

// Rules returns the family's request rules. An unknown family has
// [FamilyCompatible]'s.
func (f Family) Rules() Rules {
	r := Rules{StreamUsage: true, TokenCap: CapMaxTokens, JSONSchema: true}
	switch f {
	case FamilyOpenAI, FamilyAzure:
		r.TokenCap = CapMaxCompletionTokens
	case FamilyGroq:
		// Groq documents max_completion_tokens (max_tokens deprecated) and
		// sends the stream's usage in x_groq.usage without being asked.
		r.StreamUsage, r.TokenCap = false, CapMaxCompletionTokens
	case FamilyDeepSeek:
		// json_object only: the schema goes into the instructions.
		r.ReasoningContent, r.JSONSchema = true, false
	case FamilyMistral:
		// Mistral sends the usage on its last chunk without being asked.
		r.StreamUsage, r.ShortToolCallIDs = false, true
	case FamilyLocalAI:
		r.JSONSchema = false
	}
	return r
}

// valid reports whether f is one of the families.
func (f Family) valid() bool {
	switch f {
	case FamilyOpenAI, FamilyAzure, FamilyDeepSeek, FamilyGemini, FamilyGroq, FamilyMistral, FamilyOpenRouter,
		FamilyOllama, FamilyVLLM, FamilyLlamaCpp, FamilyLMStudio, FamilyLocalAI, FamilyCompatible:
		return true
	}
	return false
}

// DetectFamily names the family of the server at baseURL from its host:
// the hosted APIs by their domains, Ollama and LM Studio by their default
// ports (11434, 1234); any other server is [FamilyCompatible] (vLLM,
// llama.cpp and LocalAI cannot be told apart by address: use
// [WithFamily]).
func DetectFamily(baseURL string) Family {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return FamilyCompatible
	}
	host := strings.ToLower(u.Hostname())
	is := func(domain string) bool { return host == domain || strings.HasSuffix(host, "."+domain) }
	switch {
	case host == "api.openai.com":
		return FamilyOpenAI
	case is("openai.azure.com"), is("cognitiveservices.azure.com"):
		return FamilyAzure
	case is("deepseek.com"):
		return FamilyDeepSeek
	case host == "generativelanguage.googleapis.com", strings.HasSuffix(host, "aiplatform.googleapis.com"):
		return FamilyGemini
	case is("groq.com"):
		return FamilyGroq
	case is("mistral.ai"):
		return FamilyMistral
	case is("openrouter.ai"):
		return FamilyOpenRouter
	}
	switch u.Port() {
	case "11434":
		return FamilyOllama
	case "1234":
		return FamilyLMStudio
	}
	return FamilyCompatible
}

// WithFamily sets the server family instead of detecting it from the base
// URL: e.g. FamilyVLLM for a vLLM server, FamilyMistral for a server that
// needs Mistral's tool-call IDs. An unknown family is a configuration
// error.
func WithFamily(f Family) Option {
	return func(c *config) {
		if !f.valid() {
			c.errs = append(c.errs, fmt.Errorf("unknown server family %q", string(f)))
			return
		}
		c.family = f
	}
}

// WithStreamUsage turns stream_options.include_usage on or off for
// streamed requests, whatever the family's rule.
func WithStreamUsage(on bool) Option {
	return func(c *config) { c.streamUsage = &on }
}

// WithTokenCapField sends the output cap ([WithMaxTokens]) as field,
// whatever the family's rule.
func WithTokenCapField(field TokenCapField) Option {
	return func(c *config) {
		if field != CapMaxCompletionTokens && field != CapMaxTokens {
			c.errs = append(c.errs, fmt.Errorf("token cap field %q is neither %q nor %q", string(field), CapMaxCompletionTokens, CapMaxTokens))
			return
		}
		c.tokenCap = field
	}
}

// WithReasoningContent turns on or off sending an assistant message's
// reasoning text back as reasoning_content, whatever the family's rule.
func WithReasoningContent(on bool) Option {
	return func(c *config) { c.reasoningContent = &on }
}

// rules are the family's rules with the options applied.
func (c *config) rules(f Family) Rules {
	r := f.Rules()
	if c.streamUsage != nil {
		r.StreamUsage = *c.streamUsage
	}
	if c.tokenCap != "" {
		r.TokenCap = c.tokenCap
	}
	if c.reasoningContent != nil {
		r.ReasoningContent = *c.reasoningContent
	}
	switch c.structured {
	case StructuredOutputJSONSchema:
		r.JSONSchema = true
	case StructuredOutputInstructions:
		r.JSONSchema = false
	}
	return r
}
