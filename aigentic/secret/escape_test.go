package secret

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestUnescapeASCII(t *testing.T) {
	for in, want := range map[string]string{
		`sk\u002dproj`:           `sk-proj`,
		`sk\u002Dproj`:           `sk-proj`,
		`a\/b`:                   `a/b`,
		`{\"t\":\"sk\\u002dx\"}`: `{\"t\":\"sk-x\"}`, // JSON in a JSON string
		`a\\/b`:                  `a/b`,
		`\u0041\u0042`:           `AB`,
		// Left as they are:
		`say \u0022hi\u0022`:  `say \u0022hi\u0022`, // a quote: would end the string
		`back\u005cslash`:     `back\u005cslash`,
		`tab\u0009x`:          `tab\u0009x`,          // a control character
		`caf\u00e9`:           `caf\u00e9`,           // beyond ASCII
		`\ud83d\ude00 \udc00`: `\ud83d\ude00 \udc00`, // a surrogate pair, a lone surrogate
		`\u12`:                `\u12`,
		`\u12x4 \uZZZZ \u`:    `\u12x4 \uZZZZ \u`,
		`end\`:                `end\`,
		`x\\\\u0041`:          `x\\\\u0041`, // two literal backslashes, then text
		`\\\u0041`:            `\\A`,        // a literal backslash, then an escaped A
		``:                    ``,
	} {
		if got := unescapeASCII(in); got != want {
			t.Errorf("unescapeASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

// Whatever unescapeASCII decodes in a JSON document, the document still
// decodes to the same value.
func TestUnescapeASCIIKeepsTheJSONValue(t *testing.T) {
	for _, doc := range []string{
		`{"t":"sk\u002dproj \/ \u0022q\u0022 \\u0041 \\\u0041 caf\u00e9"}`,
		`["\u0041\u005c\u002f", "\/\/", "\\\\"]`,
	} {
		var a, b any
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			t.Fatal(err)
		}
		dec := unescapeASCII(doc)
		if err := json.Unmarshal([]byte(dec), &b); err != nil {
			t.Fatalf("%s → %s: %v", doc, dec, err)
		}
		if fmt.Sprint(a) != fmt.Sprint(b) && !strings.Contains(doc, `\\u0041`) {
			t.Errorf("%s → %s: %v, want %v", doc, dec, b, a)
		}
	}
}

func TestHasEscape(t *testing.T) {
	for s, want := range map[string]bool{
		`plain`: false, `a\nb`: false, `a\"b\\c`: false, `end\`: false,
		`a\u0041`: true, `a\/b`: true, `a\\u0041`: true, `\\/`: true,
	} {
		if got := hasEscape(s); got != want {
			t.Errorf("hasEscape(%q) = %v", s, got)
		}
	}
}

// escapeSome writes s with the characters selected by mask (bit i%64 for
// character i) as JSON \u escapes, in the case caps picks.
func escapeSome(s string, mask uint64, caps bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if mask>>(i%64)&1 == 1 && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\' {
			f := `\u%04x`
			if caps {
				f = `\u%04X`
			}
			fmt.Fprintf(&b, f, s[i])
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FuzzRedactEscaped: Redact never panics, and a registered value or an
// OpenAI-style key written with any of its characters escaped, between any
// text, does not survive — in the output as it is or decoded.
func FuzzRedactEscaped(f *testing.F) {
	const reg = "fuzz-registered-Value/42"
	const key = "sk-proj-FuzzAbCdEfGh0123"
	Register(reg)
	f.Add(`{"text":"`, `"}`, uint64(1<<2), false)
	f.Add(`KEY_`, ``, uint64(0xffff), true)
	f.Add(`\`, `\u`, uint64(0), false)
	f.Add(`\ud83d`, `\ude00`, uint64(1<<7), true)
	f.Fuzz(func(t *testing.T, before, after string, mask uint64, caps bool) {
		// Arbitrary text first: no panic.
		_ = Redact(before + after)
		// A backslash at the edge would change what the escapes mean,
		// and a letter or digit before "sk-" makes it a word, not a key.
		before = strings.TrimRight(before, `\`+"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
		for _, v := range []string{reg, key} {
			in := before + escapeSome(v, mask, caps) + after
			out := Redact(in)
			for _, form := range []string{out, unescapeASCII(out)} {
				if strings.Contains(form, v) {
					t.Fatalf("Redact(%q) = %q: still holds %q", in, out, v)
				}
			}
			if strings.Contains(in, v) || strings.Contains(unescapeASCII(in), v) {
				if !strings.Contains(out, Placeholder) {
					t.Fatalf("Redact(%q) = %q: not redacted", in, out)
				}
			}
		}
	})
}

func TestUnescapePercent(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/%73k-live-x", "/sk-live-x"}, {"%2d%2D", "--"}, {"a%41b", "aAb"},
		{"100%", "100%"}, {"%7", "%7"}, {"%zz", "%zz"}, {"%25", "%25"}, {"%20", "%20"}, {"%0a", "%0a"}, {"%c3%a9", "%c3%a9"},
		{"%%73", "%s"}, {"no escapes", "no escapes"},
	} {
		if got := unescapePercent(c.in); got != c.want {
			t.Errorf("unescapePercent(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
