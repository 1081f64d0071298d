package openai

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// EnvBaseURL is the environment variable [NewModel] reads for the base URL
// when no [WithBaseURL] option is given.
const EnvBaseURL = "OPENAI_BASE_URL"

// DefaultBaseURL is the OpenAI API, used when neither [WithBaseURL] nor
// OPENAI_BASE_URL gives a base URL.
const DefaultBaseURL = "https://api.openai.com/v1"

// Option configures a [Model].
type Option func(*config)

type config struct {
	baseURL      string
	httpClient   *http.Client
	organization string
	project      string
	temperature  *float64
	maxTokens    int64
	headers      [][2]string
	errs         []error

	family           Family // "": detected from the base URL
	api              API
	streamUsage      *bool
	tokenCap         TokenCapField
	reasoningContent *bool
	structured       StructuredOutput

	maxBody, maxStream int64 // 0: the defaults
}

// WithBaseURL sets the API's base URL, e.g. "http://localhost:11434/v1"
// for Ollama; request paths such as "chat/completions" are appended to it.
// It takes precedence over OPENAI_BASE_URL. An empty url is no option.
func WithBaseURL(url string) Option {
	return func(c *config) { c.baseURL = strings.TrimSpace(url) }
}

// WithHTTPClient sets the HTTP client, for custom transports, proxies or
// TLS settings. Leave its Timeout at zero and bound calls with the context:
// the agent sets per-attempt deadlines. Nil keeps the default: a client
// shared by every Model, on [NewTransport]. A client whose CheckRedirect
// is nil is used through a copy that follows no redirect: a 3xx answer
// fails the call with [ErrRedirected]; set CheckRedirect to choose
// otherwise (the SDK still sends no request outside the base URL).
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) { c.httpClient = client }
}

// WithOrganization sends the OpenAI-Organization header.
func WithOrganization(id string) Option {
	return func(c *config) { c.organization = strings.TrimSpace(id) }
}

// WithProject sends the OpenAI-Project header.
func WithProject(id string) Option {
	return func(c *config) { c.project = strings.TrimSpace(id) }
}

// WithTemperature sets the sampling temperature, between 0 and 2. Without
// it the server's default is used.
func WithTemperature(t float64) Option {
	return func(c *config) {
		if math.IsNaN(t) || t < 0 || t > 2 {
			c.errs = append(c.errs, fmt.Errorf("temperature %v is outside [0, 2]", t))
			return
		}
		c.temperature = &t
	}
}

// WithMaxTokens bounds the tokens generated per call, sent as the
// family's field ([Rules].TokenCap: max_completion_tokens to OpenAI, Azure
// and Groq, max_tokens to the others; [WithTokenCapField] chooses), or as
// max_output_tokens on the Responses API. Zero means no bound: the
// server's own limit applies.
func WithMaxTokens(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.errs = append(c.errs, fmt.Errorf("max tokens %d is negative", n))
			return
		}
		c.maxTokens = int64(n)
	}
}

// WithHeader adds an HTTP header to every request, e.g. for a gateway in
// front of the API. It cannot set Authorization: the key is the apiKey
// argument.
func WithHeader(key, value string) Option {
	return func(c *config) {
		if strings.EqualFold(strings.TrimSpace(key), "Authorization") {
			c.errs = append(c.errs, errors.New("WithHeader cannot set Authorization; pass the key to NewModel"))
			return
		}
		c.headers = append(c.headers, [2]string{key, value})
	}
}

// Model is an [ai.Model] on OpenAI's Chat Completions API or a compatible
// server. It is safe for concurrent use; build it with [New] or [NewModel].
type Model struct {
	name    string
	baseURL string // effective base URL
	local   bool   // the base URL came from an option or the environment
	hasKey  bool
	redact  redactor
	cfgErr  *ai.ModelError

	temperature *float64
	maxTokens   int64
	maxBody     int64 // cap of a JSON success body
	maxStream   int64 // cap of a streamed body

	family Family
	rules  Rules
	api    API // ChatCompletionsAPI or ResponsesAPI, never AutoAPI

	chat      oai.ChatService
	models    oai.ModelService
	responses responses.ResponseService
	client    *http.Client // the one the SDK sends with
}

// CloseIdleConnections closes the idle keep-alive connections of the HTTP
// client the model sends with (http.Client.CloseIdleConnections): the
// client shared by every Model built without WithHTTPClient, or the one
// given. Call it when done with the model — in a test before goleak
// checks, or at shutdown — so no connection's goroutines outlive it; a
// later call opens new connections.
func (m *Model) CloseIdleConnections() {
	if m != nil && m.client != nil {
		m.client.CloseIdleConnections()
	}
}

var _ ai.Model = (*Model)(nil)

// New returns a model named modelName (e.g. "gpt-4o-mini", or a local
// server's model such as "llama3.2") authenticated with apiKey, or the
// configuration error: no key and no base URL ([ErrNoAPIKey]), an empty
// model name, a malformed base URL or option ([ErrInvalidConfig]). The
// error is a permanent *ai.ModelError.
func New(modelName, apiKey string, opts ...Option) (*Model, error) {
	m := NewModel(modelName, apiKey, opts...)
	if m.cfgErr != nil {
		return nil, m.cfgErr
	}
	return m, nil
}

// NewModel is [New] for call sites that cannot handle an error: it always
// returns a model, and a configuration error surfaces, as a permanent
// *ai.ModelError, from every Generate and Ping.
//
// The base URL is [WithBaseURL], else OPENAI_BASE_URL (read here, once),
// else [DefaultBaseURL]. An empty apiKey reads the key from OPENAI_API_KEY
// ([EnvAPIKey], here, once), as the aigentic library does — but only for
// requests to [DefaultBaseURL]: with a base URL, an empty apiKey sends no
// Authorization header, as local servers expect, so an OpenAI key in the
// environment never reaches another server unless passed explicitly.
func NewModel(modelName, apiKey string, opts ...Option) *Model {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	apiKey = strings.TrimSpace(apiKey)
	secret.Register(apiKey) // i12-secrets: redaction knows a key passed in code, whatever its format
	m := &Model{
		name:        strings.TrimSpace(modelName),
		hasKey:      apiKey != "",
		redact:      newRedactor(apiKey),
		temperature: c.temperature,
		maxTokens:   c.maxTokens,
		maxBody:     orDefault(c.maxBody, DefaultMaxResponseBody),
		maxStream:   orDefault(c.maxStream, DefaultMaxStreamBody),
	}
	base := c.baseURL
	if base == "" {
		base = strings.TrimSpace(os.Getenv(EnvBaseURL))
	}
	m.local = base != ""
	if base == "" {
		base = DefaultBaseURL
	}
	m.baseURL = strings.TrimRight(base, "/")
	m.family = c.family
	if m.family == "" {
		m.family = DetectFamily(m.baseURL)
	}
	m.rules = c.rules(m.family)
	m.api = chooseAPI(c.api, m.family, m.name)

	noKey := ""
	if apiKey == "" && !m.local {
		apiKey, noKey = apiKeyFromEnv()
		m.hasKey, m.redact = apiKey != "", newRedactor(apiKey)
	}
	if err := m.validate(&c, apiKey); err != nil {
		if errors.Is(err, ErrNoAPIKey) && noKey != "" {
			err = configError(ErrNoAPIKey, noKey)
		}
		m.cfgErr = err
		return m
	}

	sdkOpts := []option.RequestOption{
		option.WithBaseURL(m.baseURL),
		option.WithMaxRetries(0), // the agent's Retries is the only retry layer
	}
	if apiKey != "" {
		sdkOpts = append(sdkOpts, option.WithAPIKey(apiKey))
	}
	client := c.httpClient
	if client == nil {
		client = defaultClient()
	} else {
		// A copy (sharing the transport, so its connections) whose
		// transport drops a Location Go's client cannot parse, and — unless
		// the caller set a CheckRedirect — that does not follow redirects:
		// the exchange reports them (ErrRedirected).
		cp := *client
		if cp.CheckRedirect == nil {
			cp.CheckRedirect = noRedirects
		}
		cp.Transport = redirectGuard{client.Transport}
		client = &cp
	}
	m.client = client
	sdkOpts = append(sdkOpts, option.WithHTTPClient(client))
	if c.organization != "" {
		sdkOpts = append(sdkOpts, option.WithOrganization(c.organization))
	}
	if c.project != "" {
		sdkOpts = append(sdkOpts, option.WithProject(c.project))
	}
	for _, h := range c.headers {
		sdkOpts = append(sdkOpts, option.WithHeader(h[0], h[1]))
	}
	// The services are built directly rather than through oai.NewClient,
	// which would merge OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID,
	// OPENAI_ADMIN_KEY and OPENAI_CUSTOM_HEADERS from the environment: a
	// local server configured without a key would receive the real one.
	m.chat = oai.NewChatService(sdkOpts...)
	m.models = oai.NewModelService(sdkOpts...)
	m.responses = responses.NewResponseService(sdkOpts...)
	return m
}

// EnvAPIKey is the environment variable [NewModel] reads for the API key
// when its apiKey argument is empty and requests go to [DefaultBaseURL].
const EnvAPIKey = "OPENAI_API_KEY"

// apiKeyFromEnv returns OPENAI_API_KEY, trimmed, or "" and the message of
// the configuration error saying why there is no key: unset (or empty), or
// set to nothing but white space.
func apiKeyFromEnv() (key, noKey string) {
	v, ok := os.LookupEnv(EnvAPIKey)
	if key = strings.TrimSpace(v); key != "" {
		return key, ""
	}
	if ok && v != "" {
		return "", "no API key: OPENAI_API_KEY is set but holds only white space; set it to your key, or set OPENAI_BASE_URL for a local OpenAI-compatible server"
	}
	return "", "no API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server (the apiKey argument is empty and OPENAI_API_KEY is not set)"
}

func (m *Model) validate(c *config, apiKey string) *ai.ModelError {
	if len(c.errs) > 0 {
		return configError(fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(c.errs...)),
			"invalid configuration: "+m.redact.clean(errors.Join(c.errs...).Error()))
	}
	if m.name == "" {
		return configError(ErrInvalidConfig, "invalid configuration: empty model name")
	}
	if apiKey == "" && !m.local {
		return configError(ErrNoAPIKey, "no API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server")
	}
	if strings.ContainsFunc(apiKey, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return configError(ErrInvalidConfig, "invalid configuration: the API key contains spaces or control characters")
	}
	u, err := url.Parse(m.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return configError(ErrInvalidConfig, m.redact.clean(fmt.Sprintf(
			"invalid configuration: base URL %q is not an http(s) URL such as http://localhost:11434/v1", secret.URL(m.baseURL))))
	}
	for _, h := range c.headers {
		if h[0] == "" || strings.ContainsAny(h[0]+h[1], "\r\n") {
			return configError(ErrInvalidConfig, "invalid configuration: malformed header "+fmt.Sprintf("%q", h[0]))
		}
	}
	return nil
}

// usable returns the configuration error, if any; a Model not built by
// New or NewModel is one.
func (m *Model) usable() error {
	if m == nil || m.name == "" && m.cfgErr == nil {
		return configError(ErrInvalidConfig, "invalid configuration: the model was not built with openai.New or openai.NewModel")
	}
	if m.cfgErr != nil {
		return m.cfgErr
	}
	return nil
}

// ModelName implements ai.Model.
func (m *Model) ModelName() string { return m.name }

// BaseURL is the base URL the model sends its requests to, as configured:
// it may hold credentials (user:password@), so print it only through
// provider.DisplayURL or url.URL.Redacted.
func (m *Model) BaseURL() string { return m.baseURL }

// Generate implements ai.Model: one chat completion, streamed when
// req.OnDelta is set. It makes exactly one HTTP request and never retries;
// see the package documentation for how failures are classified.
func (m *Model) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	if err := m.usable(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	if m.api == ResponsesAPI {
		return m.generateResponses(ctx, req)
	}
	params, sent, err := m.params(req)
	if err != nil {
		return nil, err
	}
	if req.OnDelta != nil {
		return m.generateStream(ctx, params, sent, req.OnDelta)
	}
	x := m.newExchange(sent, false)
	res, err := m.chat.Completions.New(ctx, params, option.WithMiddleware(x.middleware))
	if err != nil {
		return nil, m.classify(ctx, err, x)
	}
	if res == nil {
		// A JSON null body: the SDK returns no answer and no error.
		return nil, m.nullAnswer(x)
	}
	return m.response(res, x)
}

// Family is the server family the model's requests follow: the one given
// with [WithFamily], or the one detected from the base URL.
func (m *Model) Family() Family { return m.family }

// API is the API the model's requests use: [ChatCompletionsAPI] or
// [ResponsesAPI].
func (m *Model) API() API { return m.api }

func orDefault(n, def int64) int64 {
	if n > 0 {
		return n
	}
	return def
}
