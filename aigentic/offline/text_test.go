package offline

import (
	"reflect"
	"regexp"
	"testing"
)

func TestTokenizeMatchesItsDefinition(t *testing.T) {
	def := regexp.MustCompile(`[\p{L}\p{N}]+(?:['’][\p{L}]+)*`)
	for _, s := range []string{
		"What's the weather in São Paulo? It’s 30°C, isn't it'", "dog’s 'quoted' rock'n'roll 3'4 x'", "", "   ", "e-mail: a.b@c.de 15*23+100",
		"日本語のテキスト と émojis 🚀 ok", "'leading' trailing' ''", "a'b'c'",
	} {
		var got []string
		for _, tok := range tokenize(s) {
			got = append(got, tok.text)
			if s[tok.start:tok.end] != tok.text {
				t.Errorf("%q: span %v does not hold %q", s, tok.span, tok.text)
			}
		}
		want := def.FindAllString(s, -1)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("tokenize(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestStem(t *testing.T) {
	same := [][]string{
		{"multiplied", "multiply", "multiplying", "multiplies"},
		{"email", "emails", "emailed"},
		{"researcher", "research", "researching", "researched"},
		{"writer", "write", "writes", "writing"},
		{"calculator", "calculate", "calculated", "calculation"},
		{"remember", "remembered", "remembering"},
		{"memory", "memories"},
		{"search", "searches", "searching"},
		{"save", "saved", "saving"},
	}
	for _, group := range same {
		for _, w := range group[1:] {
			if stem(w) != stem(group[0]) {
				t.Errorf("stem(%q) = %q, stem(%q) = %q: want equal", w, stem(w), group[0], stem(group[0]))
			}
		}
	}
	for _, pair := range [][2]string{{"times", "time"}, {"news", "new"}, {"currency", "current"}} {
		if stem(pair[0]) == stem(pair[1]) {
			t.Errorf("%q and %q must stay apart", pair[0], pair[1])
		}
	}
}

func TestSplitIdent(t *testing.T) {
	cases := map[string][]string{
		"get_current_time": {"get", "current", "time"},
		"sendEmail":        {"send", "email"},
		"HTTPStatus-code":  {"http", "status", "code"},
		"zoneClock2":       {"zone", "clock", "2"},
		"":                 nil,
	}
	for in, want := range cases {
		if got := splitIdent(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitIdent(%q) = %q, want %q", in, got, want)
		}
	}
}
