package otelagent

import (
	"fmt"
	"sync"
	"testing"
)

// clearDated empties the process's kept dated versions and returns what
// they were, for restoreDated.
func clearDated() []any {
	var keys []any
	datedVersions.Range(func(k, _ any) bool {
		keys = append(keys, k)
		datedVersions.Delete(k)
		return true
	})
	datedCount.Store(0)
	return keys
}

func restoreDated(keys []any) {
	clearDated()
	for _, k := range keys {
		datedVersions.Store(k, struct{}{})
	}
	datedCount.Store(int32(len(keys)))
}

// Exactly MaxDatedVersions dated versions are kept, counting from a
// process that has seen none; one refused does not take room, and a kept
// one stays kept.
func TestKeepDatedCountsExactly(t *testing.T) {
	saved := clearDated()
	t.Cleanup(func() { restoreDated(saved) })
	kept := 0
	for i := range MaxDatedVersions + 5 {
		if boundedName(fmt.Sprintf("m-%d", 1000+i), "m", &sync.Map{}) != Other {
			kept++
		}
	}
	if kept != MaxDatedVersions || datedCount.Load() != MaxDatedVersions {
		t.Fatalf("kept %d, counted %d; want exactly %d", kept, datedCount.Load(), MaxDatedVersions)
	}
	if boundedName("m-1000", "m", &sync.Map{}) != "m-1000" {
		t.Fatal("a kept version was refused")
	}
}
