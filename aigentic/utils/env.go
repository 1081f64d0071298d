// Package utils holds the aigentic library's small helpers that example
// programs call, under the library's names: [LoadEnvFile].
package utils

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/joho/godotenv"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// ErrMalformedEnvFile is wrapped by [LoadEnvFile]'s error for a file that
// is not in the .env format.
var ErrMalformedEnvFile = errors.New("utils: malformed env file")

// LoadEnvFile sets the environment variables defined in filename, a .env
// file (KEY=value lines, # comments, optional "export " prefixes, single or
// double quotes, as parsed by github.com/joho/godotenv). A variable already
// set in the environment keeps its value — even when set to "" — so the
// environment always wins over the file.
//
// The error names the file: a missing or unreadable file wraps the
// *fs.PathError (errors.Is(err, fs.ErrNotExist) for a missing one), a
// malformed file wraps [ErrMalformedEnvFile]. No line of the file is ever
// quoted in the error, since .env files hold secrets. Nothing is set when
// the file is malformed.
//
// Values of credential-named variables (secret.IsSecretName: OPENAI_API_KEY,
// …_TOKEN, …) are registered with package secret, so the runtime redacts
// them wherever they would be printed.
//
// Unlike the aigentic library's LoadEnvFile, nothing is logged: programs
// commonly call it for an optional file and ignore the error.
func LoadEnvFile(filename string) error {
	f, err := os.Open(filename)
	if err != nil {
		return fmt.Errorf("utils: load env file %s: %w", filename, err)
	}
	defer f.Close()
	vars, err := godotenv.Parse(f)
	if err != nil {
		return fmt.Errorf("%w %s: %s", ErrMalformedEnvFile, filename, describeParseError(err))
	}
	for key, value := range vars {
		// A credential the file brings (…_KEY, …_TOKEN, …) is redacted
		// from logs, traces and errors from now on, set or not.
		secret.RegisterNamed(key, value)
		if _, set := os.LookupEnv(key); set {
			continue
		}
		if err := os.Setenv(key, value); err != nil {
			return fmt.Errorf("utils: load env file %s: set %s: %w", filename, key, err)
		}
	}
	return nil
}

// describeParseError says what godotenv found wrong without its text,
// which quotes the offending line (and with it, possibly, a secret).
func describeParseError(err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "unterminated quoted value"):
		return "a quoted value is not terminated"
	case strings.HasPrefix(msg, "unexpected character"):
		return "a variable name has a character other than letters, digits, _ and ."
	default:
		return "it is not in KEY=value form (the offending line is not shown: it may hold a secret)"
	}
}
