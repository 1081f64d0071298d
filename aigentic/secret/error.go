package secret

import "fmt"

// redactedError is an error whose text held a secret: Error returns the
// redacted text, Unwrap the original, so errors.Is and errors.As still
// match everything in the chain. The fields of a typed error reached with
// errors.As are the original ones: print the error, not its parts.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Error returns err unchanged when its text holds no secret, and otherwise
// err behind a wrapper whose Error is the redacted text and whose Unwrap is
// err — so errors.Is and errors.As still work through it. Nil stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	if _, done := err.(*redactedError); done {
		return err
	}
	msg := err.Error()
	if clean := Redact(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// Value redacts the strings in a decoded JSON value (maps, slices,
// strings), copying only what changes, and reports whether anything did.
// The value passed in is never modified.
func Value(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		clean := Redact(x)
		return clean, clean != x
	case map[string]any:
		var out map[string]any
		for k, val := range x {
			if clean, changed := Value(val); changed {
				if out == nil {
					out = make(map[string]any, len(x))
					for k2, v2 := range x {
						out[k2] = v2
					}
				}
				out[k] = clean
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		for i, val := range x {
			if clean, changed := Value(val); changed {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i] = clean
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return v, false
}

// PanicValue is a recovered panic's value with no credential left in it:
// a string redacted, an error behind [Error] (errors.Is and errors.As
// still work), and a []byte or any other value whose text (%v) holds a
// credential replaced by that text, redacted. Other values are returned as
// they are.
func PanicValue(v any) any {
	switch x := v.(type) {
	case string:
		return Redact(x)
	case error:
		return Error(x)
	case []byte:
		if r := Redact(string(x)); r != string(x) {
			return r
		}
	default:
		if p := fmt.Sprint(x); Redact(p) != p {
			return Redact(p)
		}
	}
	return v
}
