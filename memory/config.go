package main

import (
	"flag"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	user     string
	storeDir string
}

func spec(c *config) cli.Spec {
	return cli.Spec{
		Name:         "memory",
		Summary:      "An agent with a long-term memory in a file that outlives the process: the\nfirst run saves a fact and recalls it; a later run recalls what the first saved.",
		Question:     DemoRecall,
		QuestionHelp: "one question to ask instead of the demo",
		Timeout:      2 * time.Minute,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&c.user, "user", "default", "whose memories to use: a `name` of a-z, 0-9, _ and -, shared by every run with it")
			fs.StringVar(&c.storeDir, "store", "", "`dir`ectory of the memory files (default <user config dir>/aigentic-examples/memory)")
		},
	}
}

// check validates -user and -store, and defaults the store directory.
func (c *config) check(sys system) error {
	if err := memstore.ValidateNamespace(c.user); err != nil {
		return cli.Usagef("-user=%q is not valid: use 1-%d characters: lower-case letters a-z, digits, _ and -", c.user, memstore.MaxNamespaceLen)
	}
	if strings.TrimSpace(c.storeDir) == "" && c.Set["store"] {
		return cli.Usagef("-store is empty: give a directory")
	}
	if c.storeDir == "" {
		dir, err := cli.DataDir(sys.userConfigDir, "memory", "memories", "store")
		if err != nil {
			return err
		}
		c.storeDir = dir
	}
	return nil
}
