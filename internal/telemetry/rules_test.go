package telemetry_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"go.yaml.in/yaml/v4"
)

// rulesDir holds the Prometheus rules file and its promtool unit tests.
const rulesDir = "../../deploy/prometheus"

// lookPathOrSkip finds a program of Debian's prometheus package. Outside CI
// a missing one skips the test, saying how to install it; in CI (CI=true,
// where .ci/run installs the package) it fails.
func lookPathOrSkip(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestPromtoolRules runs `promtool check rules` on every rules file,
// `promtool test rules` on the unit tests (each alert firing on one series
// and not on a look-alike; refusals and retried 429s are not errors) and
// `promtool check config` on the example prometheus.yml.
func TestPromtoolRules(t *testing.T) {
	promtool := lookPathOrSkip(t, "promtool")
	rules, tests := rulesFiles(t)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(promtool, args...)
		cmd.Dir = rulesDir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
	run(append([]string{"check", "rules"}, rules...)...)
	run(append([]string{"test", "rules"}, tests...)...)
	run("check", "config", "prometheus.yml") // the example configuration, loading the rules
}

// rulesFiles returns the rules files and the promtool test files (names
// relative to rulesDir).
func rulesFiles(t *testing.T) (rules, tests []string) {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(rulesDir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		base := filepath.Base(f)
		if matched, _ := filepath.Match("*.test.yml", base); matched {
			tests = append(tests, base)
		} else if base != "prometheus.yml" {
			rules = append(rules, base)
		}
	}
	if len(rules) == 0 || len(tests) == 0 {
		t.Fatalf("no rules (%v) or rule tests (%v) in %s", rules, tests, rulesDir)
	}
	return rules, tests
}

// ourIdentifier matches the metric and label names of the runtime inside
// a PromQL expression (recording rules' names have colons and don't match).
var ourIdentifier = regexp.MustCompile(`\b(?:aigentic|gen_ai)_[A-Za-z0-9_]*\b`)

// TestRulesUseExportedNames: every aigentic_* / gen_ai_* name in the rules'
// expressions and in their tests' series is a sample or label name the
// exporter really produces for the runtime's instruments. A rule that
// reads a misspelt or renamed metric would otherwise never fire.
func TestRulesUseExportedNames(t *testing.T) {
	p := newProviders(t)
	recordAgreed(t, p.MeterProvider)
	exported := map[string]bool{}
	for sample, labels := range parseSamples(t, scrape(t, p.MetricsHandler())) {
		exported[sample] = true
		for _, l := range labels {
			exported[l] = true
		}
	}
	rules, tests := rulesFiles(t)
	for _, f := range slices.Concat(rules, tests) {
		raw, err := os.ReadFile(filepath.Join(rulesDir, f))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n := 0
		for _, text := range promQLStrings(doc) {
			for _, name := range ourIdentifier.FindAllString(text, -1) {
				n++
				if !exported[name] {
					t.Errorf("%s: %q is not a name the exporter produces (in %q)", f, name, text)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no aigentic_/gen_ai_ names found: is the file still parsed right?", f)
		}
	}
}

// promQLStrings collects the values of "expr" and "series" keys anywhere in
// a YAML document.
func promQLStrings(node any) []string {
	var out []string
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if s, ok := v.(string); ok && (k == "expr" || k == "series") {
				out = append(out, s)
				continue
			}
			out = append(out, promQLStrings(v)...)
		}
	case []any:
		for _, v := range n {
			out = append(out, promQLStrings(v)...)
		}
	}
	return out
}
