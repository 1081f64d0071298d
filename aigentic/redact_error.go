package aigentic

// redactedError is an error whose text held a secret: Error returns the
// redacted text, Unwrap the original, so errors.Is and errors.As still
// match everything in the chain — the typed errors (*ToolError,
// *ModelCallError, *LimitError, *StoppedError, …), the sentinels and the
// context errors. The fields of a typed error reached with errors.As are
// the original ones: print the returned error, not its parts.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err unchanged when its text holds no secret, and
// otherwise err behind a *redactedError. The errors a run returns (Execute,
// Wait, Err) and carries in events pass through it.
func redactError(err error) error {
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
