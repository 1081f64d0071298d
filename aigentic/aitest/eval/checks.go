package eval

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// ArgCheck checks a tool call's decoded arguments (numbers are
// json.Number); it returns an error saying what is wrong.
type ArgCheck func(args map[string]any) error

// Arg expects the argument key to equal want, compared as JSON (so 3 and
// 3.0 are equal, and a struct compares with the object it encodes to).
func Arg(key string, want any) ArgCheck {
	return func(args map[string]any) error {
		got, ok := args[key]
		if !ok {
			return fmt.Errorf("no %q", key)
		}
		if !sameJSON(got, want) {
			return fmt.Errorf("%s is %s, want %s", key, jsonText(got), jsonText(want))
		}
		return nil
	}
}

// ArgContains expects the string argument key to contain sub, ignoring
// case.
func ArgContains(key, sub string) ArgCheck {
	return func(args map[string]any) error {
		s, ok := args[key].(string)
		if !ok {
			return fmt.Errorf("%s is %s, want a string containing %q", key, jsonText(args[key]), sub)
		}
		if !strings.Contains(strings.ToLower(s), strings.ToLower(sub)) {
			return fmt.Errorf("%s is %q, want it to contain %q", key, s, sub)
		}
		return nil
	}
}

// ArgMatches expects the string argument key to match re.
func ArgMatches(key string, re *regexp.Regexp) ArgCheck {
	return func(args map[string]any) error {
		s, ok := args[key].(string)
		if !ok || !re.MatchString(s) {
			return fmt.Errorf("%s is %s, want a string matching %s", key, jsonText(args[key]), re)
		}
		return nil
	}
}

// Check checks a case's outcome; it returns an error saying what is
// wrong.
type Check func(o *Observed) error

// Contains expects the answer to contain sub, ignoring case.
func Contains(sub string) Check {
	return func(o *Observed) error {
		if !strings.Contains(strings.ToLower(o.Answer), strings.ToLower(sub)) {
			return fmt.Errorf("the answer %q does not contain %q", cut(o.Answer, 200), sub)
		}
		return nil
	}
}

// NotContains expects the answer not to contain sub, ignoring case.
func NotContains(sub string) Check {
	return func(o *Observed) error {
		if strings.Contains(strings.ToLower(o.Answer), strings.ToLower(sub)) {
			return fmt.Errorf("the answer %q contains %q", cut(o.Answer, 200), sub)
		}
		return nil
	}
}

// Matches expects the answer to match re.
func Matches(re *regexp.Regexp) Check {
	return func(o *Observed) error {
		if !re.MatchString(o.Answer) {
			return fmt.Errorf("the answer %q does not match %s", cut(o.Answer, 200), re)
		}
		return nil
	}
}

// MaxLLMCalls expects the run to take at most n model calls.
func MaxLLMCalls(n int) Check {
	return func(o *Observed) error {
		if o.Stats.LLMCalls > n {
			return fmt.Errorf("%d model calls, want at most %d", o.Stats.LLMCalls, n)
		}
		return nil
	}
}

// Value checks the run's typed value as a T: the extension point for
// typed runs (see the package documentation). It fails, saying so, when
// the Runner gave no value or one of another type.
func Value[T any](check func(T) error) Check {
	return func(o *Observed) error {
		if o.Value == nil {
			return fmt.Errorf("no typed value: the Runner gives none (StartRunner returns text; a typed Runner fills Observed.Value)")
		}
		v, ok := o.Value.(T)
		if !ok {
			var zero T
			return fmt.Errorf("the typed value is a %T, want a %T", o.Value, zero)
		}
		return check(v)
	}
}

// sameJSON compares two values by their JSON encodings, decoded again.
func sameJSON(a, b any) bool {
	norm := func(v any) any {
		data, err := json.Marshal(v)
		if err != nil {
			return v
		}
		var out any
		if json.Unmarshal(data, &out) != nil {
			return v
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// jsonText is v as compact JSON, cut to 80 bytes.
func jsonText(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return cut(string(data), 80)
}
