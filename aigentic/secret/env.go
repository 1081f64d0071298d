package secret

import (
	"os"
	"strings"
)

// secretSuffixes end the names of variables [IsSecretName] treats as
// credentials.
var secretSuffixes = []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIALS", "AUTHORIZATION"}

// IsSecretName reports whether an environment variable (or .env entry)
// named name holds a credential by the usual naming: its last
// underscore-separated word, upper-cased, is KEY, TOKEN, SECRET, PASSWORD,
// PASSWD, PASSPHRASE, CREDENTIALS or AUTHORIZATION, or it ends in APIKEY
// (OPENAI_API_KEY, GITHUB_TOKEN, DB_PASSWORD, STRIPE_APIKEY).
func IsSecretName(name string) bool {
	n := strings.ToUpper(strings.TrimSpace(name))
	if strings.HasSuffix(n, "APIKEY") {
		return true
	}
	last := n[strings.LastIndexByte(n, '_')+1:]
	for _, s := range secretSuffixes {
		if last == s {
			return true
		}
	}
	return false
}

// RegisterNamed registers value when [IsSecretName](name), and reports
// whether it did (false too when value is shorter than [MinLen]). A .env
// loader calls it for each entry it reads.
func RegisterNamed(name, value string) bool {
	if !IsSecretName(name) || len(strings.TrimSpace(value)) < MinLen {
		return false
	}
	Register(value)
	return true
}

// RegisterEnviron registers the value of every environment variable whose
// name [IsSecretName] accepts. [Redact] calls it once, on its first use;
// call it again after loading a .env file into the environment.
func RegisterEnviron() {
	for _, kv := range os.Environ() {
		if name, value, ok := strings.Cut(kv, "="); ok {
			RegisterNamed(name, value)
		}
	}
}
