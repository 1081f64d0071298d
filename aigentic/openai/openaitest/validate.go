package openaitest

import (
	"bytes"
	_ "embed" // the request schema
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// The request schema is OpenAI's CreateChatCompletionRequest with the
// closure of its $refs, extracted from the official openapi.yaml by
// internal/extractschema. Regenerate it when the description changes (the
// path is where the repository's shared checkout keeps it):
//
//go:generate go run ../internal/extractschema -in ../../../../shared/openai/openapi.yaml -out create_chat_completion_request.schema.json
//go:generate go run ../internal/extractschema -in ../../../../shared/openai/openapi.yaml -schema CreateResponse -out create_response.schema.json

var (
	//go:embed create_chat_completion_request.schema.json
	requestSchemaJSON []byte
	//go:embed create_response.schema.json
	responsesSchemaJSON []byte
)

// requestSchema is one embedded request schema, compiled once, and its
// strict form: the schema plus "no other top-level property" (OpenAI
// rejects an unknown parameter, which the published schema leaves open).
// The strict form is only checked on a body the schema accepts, as a
// failed $ref drops the annotations unevaluatedProperties relies on.
type requestSchema struct {
	name string // the components/schemas entry
	doc  []byte
	once sync.Once
	base *jsonschema.Schema
	strc *jsonschema.Schema
	err  error
}

var (
	chatSchema      = &requestSchema{name: "CreateChatCompletionRequest", doc: requestSchemaJSON}
	responsesSchema = &requestSchema{name: "CreateResponse", doc: responsesSchemaJSON}
)

// compiled compiles the schema, once.
func (rs *requestSchema) compiled() (base, strictSchema *jsonschema.Schema, err error) {
	rs.once.Do(func() {
		rs.base, rs.strc, rs.err = rs.compile()
		if rs.err != nil {
			rs.err = fmt.Errorf("openaitest: embedded %s schema: %w", rs.name, rs.err)
		}
	})
	return rs.base, rs.strc, rs.err
}

func (rs *requestSchema) compile() (base, strictSchema *jsonschema.Schema, err error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(rs.doc))
	if err != nil {
		return nil, nil, err
	}
	schemaURL := "file:///" + rs.name + ".schema.json"
	strictURL := "file:///strict_" + rs.name + ".schema.json"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, nil, err
	}
	if err := c.AddResource(strictURL, map[string]any{
		"$schema":               "https://json-schema.org/draft/2020-12/schema",
		"$ref":                  schemaURL,
		"unevaluatedProperties": false,
	}); err != nil {
		return nil, nil, err
	}
	if base, err = c.Compile(schemaURL); err != nil {
		return nil, nil, err
	}
	if strictSchema, err = c.Compile(strictURL); err != nil {
		return nil, nil, err
	}
	return base, strictSchema, nil
}

// compiledSchemas compiles both embedded schemas, once.
func compiledSchemas() error {
	if _, _, err := chatSchema.compiled(); err != nil {
		return err
	}
	_, _, err := responsesSchema.compiled()
	return err
}

// ValidateRequest checks a Chat Completions request body the way the
// server does before answering it: the body must be JSON, match OpenAI's
// CreateChatCompletionRequest schema (from the official openapi.yaml,
// embedded in this package), have no top-level parameter the schema does
// not define (OpenAI rejects those), and follow the tool-call conversation
// rule ([ValidateConversation]). The error, nil when the body is valid,
// starts with the rule broken — "not JSON:", "schema:" or
// "conversation:" — and says where; a schema error wraps the
// *jsonschema.ValidationError. It is safe for concurrent use.
func ValidateRequest(body []byte) error {
	return validateBody(chatSchema, body, ValidateConversation)
}

// ValidateResponsesRequest checks a Responses API request body the way
// the server does before answering it, as [ValidateRequest] does a Chat
// Completions body: JSON, OpenAI's CreateResponse schema (embedded), no
// top-level parameter the schema does not define, and the tool-call rule
// of the input ([ValidateResponsesInput]).
func ValidateResponsesRequest(body []byte) error {
	return validateBody(responsesSchema, body, ValidateResponsesInput)
}

func validateBody(rs *requestSchema, body []byte, conversation func([]byte) error) error {
	base, strictSchema, err := rs.compiled()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return &invalidRequest{rule: "not JSON", code: "invalid_json", msg: err.Error(), err: err}
	}
	if err := base.Validate(v); err != nil {
		return schemaViolation(err)
	}
	if err := strictSchema.Validate(v); err != nil {
		return unknownParameters(err, rs.name)
	}
	if err := conversation(body); err != nil {
		return &invalidRequest{rule: "conversation", code: "invalid_conversation", msg: err.Error(), err: err}
	}
	return nil
}

// invalidRequest is a rule a request body breaks, with the OpenAI error
// code and param the server answers it with.
type invalidRequest struct {
	rule  string // "not JSON", "schema", "conversation"
	code  string // OpenAI's error code
	param string // where, as OpenAI names it ("messages[0].role"); empty for the whole body
	msg   string
	err   error
}

func (e *invalidRequest) Error() string { return e.rule + ": " + e.msg }

func (e *invalidRequest) Unwrap() error { return e.err }

// schemaViolation describes a schema validation error: its code from the
// kind of its leaf errors, its param from where they are.
func schemaViolation(err error) error {
	ir := &invalidRequest{rule: "schema", code: "invalid_value", msg: err.Error(), err: err}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return ir
	}
	leaves := leafErrors(ve, nil)
	if len(leaves) == 0 {
		return ir
	}
	loc := leaves[0].InstanceLocation
	for _, l := range leaves[1:] {
		n := 0
		for n < len(loc) && n < len(l.InstanceLocation) && loc[n] == l.InstanceLocation[n] {
			n++
		}
		loc = loc[:n]
	}
	allOf := func(match func(jsonschema.ErrorKind) bool) bool {
		for _, l := range leaves {
			if !match(l.ErrorKind) {
				return false
			}
		}
		return true
	}
	switch {
	case allOf(func(k jsonschema.ErrorKind) bool { _, ok := k.(*kind.Required); return ok }):
		ir.code = "missing_required_parameter"
		if req := leaves[0].ErrorKind.(*kind.Required); len(leaves) == 1 && len(req.Missing) > 0 {
			loc = append(slices.Clip(loc), req.Missing[0])
		}
	case allOf(func(k jsonschema.ErrorKind) bool { _, ok := k.(*kind.Type); return ok }):
		ir.code = "invalid_type"
	}
	ir.param = paramName(loc)
	return ir
}

// unknownParameters describes the strict schema's error on a body the
// schema accepts: top-level properties the schema does not define.
func unknownParameters(err error, schemaName string) error {
	ir := &invalidRequest{rule: "schema", code: "unknown_parameter", msg: err.Error(), err: err}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return ir
	}
	var names []string
	for _, l := range leafErrors(ve, nil) {
		if len(l.InstanceLocation) == 1 {
			names = append(names, l.InstanceLocation[0])
		}
	}
	if len(names) == 0 {
		return ir
	}
	slices.Sort(names)
	ir.param = names[0]
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "'" + n + "'"
	}
	ir.msg = "unknown parameter " + strings.Join(quoted, ", ") + ": " + schemaName + " does not define it"
	return ir
}

// leafErrors appends the errors of e without causes.
func leafErrors(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leafErrors(c, out)
	}
	return out
}

// paramName names an instance location as OpenAI's error param does:
// "messages[0].role".
func paramName(loc []string) string {
	var b strings.Builder
	for i, seg := range loc {
		if _, err := strconv.Atoi(seg); err == nil {
			b.WriteString("[" + seg + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}
