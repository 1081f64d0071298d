package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// maxBodyBytes bounds a request body; larger ones get 413.
const maxBodyBytes = 64 << 10

// readJSON decodes the request's JSON body into v: the content type must
// be application/json (415 otherwise), the body at most maxBodyBytes
// (413), one JSON value with no unknown fields, no field given twice and
// every field name spelt as documented (400, naming the field or the byte
// where the JSON broke). Errors are *httpError.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct, err := singleHeader(r, "Content-Type")
	if err != nil {
		return err
	}
	if len(ct) > maxContentTypeLen {
		return &httpError{status: http.StatusUnsupportedMediaType, reason: reasonMediaType, msg: "Content-Type too long: want application/json"}
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return &httpError{status: http.StatusUnsupportedMediaType, reason: reasonMediaType, msg: fmt.Sprintf("Content-Type %s: want application/json", echo(ct))}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return jsonError(err)
	}
	if err := checkFieldNames(body, v); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if err == nil || !isSizeError(err) {
			return badRequest("request body must hold a single JSON object")
		}
		return jsonError(err)
	}
	return nil
}

func isSizeError(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// jsonError explains a decoding failure to the client.
func jsonError(err error) *httpError {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case isSizeError(err):
		return &httpError{status: http.StatusRequestEntityTooLarge, reason: reasonTooLarge, msg: fmt.Sprintf("request body larger than %d bytes", maxBodyBytes)}
	case errors.Is(err, io.EOF):
		return badRequest("request body is empty: want a JSON object")
	case errors.As(err, &syn):
		return badRequest(fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, echo(syn.Error())))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON: body ends too early")
	case errors.As(err, &typ):
		if typ.Field == "" {
			// The body itself has the wrong shape ([], "x", 3): name the
			// JSON kind wanted, never the Go type behind it.
			return badRequest("request body must be a JSON object, not a JSON " + typ.Value)
		}
		return badRequest(fmt.Sprintf("field %s: want a JSON %s, not a JSON %s", echo(typ.Field), jsonKind(typ.Type), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr != nil {
			name = "?"
		}
		return badRequest("unknown field " + echo(name))
	default:
		return badRequest("invalid JSON body: " + echo(err.Error()))
	}
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(encodeJSON(v))
}

// encodeJSON is v as the API writes it: JSON with <, > and & as they are,
// and a newline.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.Bytes()
}

// writeRaw writes a JSON body kept from an earlier answer.
func writeRaw(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// jsonKind names the JSON kind a Go type decodes from, for error messages.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// checkFieldNames refuses what encoding/json lets through in a request
// object: a field given twice (it keeps the last, so two readers of one
// body could see two requests) and a field name in another case than its
// own ("Query" for "query"; it matches case-insensitively). Anything it
// cannot read is left to the decoder to explain.
func checkFieldNames(body []byte, v any) error {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	names := map[string]string{} // lower case → as documented
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" && f.IsExported() {
			names[strings.ToLower(name)] = name
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		if seen[key] {
			return badRequest("field " + echo(key) + " given twice")
		}
		seen[key] = true
		if want, ok := names[strings.ToLower(key)]; ok && want != key {
			return badRequest("unknown field " + echo(key) + ": field names are case-sensitive; did you mean " + strconv.Quote(want) + "?")
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return nil
		}
	}
	return nil
}
