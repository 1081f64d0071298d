package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// runKeygen is `service keygen`: it makes a new API key, prints it once
// — the service keeps only its hash, so it cannot be shown again — and
// the entry to add to the tenants file.
//
//	go run ./service keygen -tenant acme [-name ci]
//	go run ./service keygen -admin
//	go run ./service keygen -metrics
func runKeygen(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("service keygen", flag.ContinueOnError)
	fs.SetOutput(out)
	tenantID := fs.String("tenant", "", "the tenant the key is for")
	admin := fs.Bool("admin", false, "an admin key (admin endpoints)")
	metrics := fs.Bool("metrics", false, "a metrics key (GET /metrics only, for Prometheus)")
	name := fs.String("name", "", "a label for people, shown in logs next to the key's id (at most 64 bytes)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return cli.Usage(err)
	}
	n := 0
	for _, set := range []bool{*tenantID != "", *admin, *metrics} {
		if set {
			n++
		}
	}
	switch {
	case fs.NArg() > 0:
		return cli.Usagef("keygen: unexpected arguments %q", fs.Args())
	case n != 1:
		return cli.Usagef("keygen: give exactly one of -tenant <id>, -admin, -metrics")
	case *tenantID != "" && !tenantIDPattern.MatchString(*tenantID):
		return cli.Usagef("keygen: -tenant %s: use 1-64 letters, digits, '.', '_' or '-'", echo(*tenantID))
	case len(*name) > 64:
		return cli.Usagef("keygen: -name is longer than 64 bytes")
	}
	key, e, err := newKey(*name)
	if err != nil {
		return err
	}
	who, where := "a tenant", ""
	switch {
	case *admin:
		who, where = "admin", "admin_keys:"
	case *metrics:
		who, where = "metrics", "metrics_keys:"
	default:
		who, where = fmt.Sprintf("tenant %q", *tenantID), fmt.Sprintf("tenants:\n  %s:\n    api_keys:", *tenantID)
	}
	indent := "  "
	if *tenantID != "" {
		indent = "      "
	}
	fmt.Fprintf(out, "API key for %s (id %s). It is shown only this once; give it to the client now:\n\n", who, e.ID)
	fmt.Fprintf(out, "%s\n\n", key)
	fmt.Fprintf(out, "Add its hash to the tenants file:\n\n%s\n%s- id: %s\n%s  sha256: %s\n", where, indent, e.ID, indent, e.SHA256)
	if e.Name != "" {
		fmt.Fprintf(out, "%s  name: %q\n", indent, e.Name)
	}
	return nil
}
