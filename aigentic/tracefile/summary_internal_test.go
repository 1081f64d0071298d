package tracefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// A line longer than ReadSummary's 64 KiB buffer is recorded text (a
// tool result on one line, say): it is skipped whole, even where a part
// of it past the buffer reads like structure, and the lines after it
// count.
func TestSummarySkipsALineLongerThanItsBuffer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.txt")
	long := "    " + strings.Repeat("x", 70<<10) + "--- LLM call 9, attempt 1 ---"
	file := "run: run_1\n--- LLM call 1, attempt 1 ---\n" + long + "\n--- tool call fetch (call_1), attempt 1 ---\n=== outcome: success ===\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := ReadSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Run != "run_1" || sum.LLMCalls != 1 || sum.Attempts != 1 || sum.ToolCalls != 1 || sum.Outcome != "success" {
		t.Fatalf("summary = %+v", sum)
	}
}

// MaxFileBytes may cut a file right after "--- LLM call ": the summary
// counts the attempt (its number is lost) and reports the cut.
func TestSummaryOfAFileCutInsideAnLLMCallLine(t *testing.T) {
	lim := noCaps
	lim.file = fileCutMarkerRoom + int64(len("--- LLM call "))
	w, read := newFileWriter(t, lim)
	w.modelRequest(1, 1, &ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: strings.Repeat("q", 500)}}})
	if text := read(); !strings.HasPrefix(text, "--- LLM call \n=== trace cut: ") {
		t.Fatalf("the file was not cut after \"--- LLM call \":\n%q", text)
	}
	sum, err := ReadSummary(w.path)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Cut || sum.Attempts != 1 || sum.LLMCalls != 0 || sum.Outcome != "" {
		t.Fatalf("summary = %+v", sum)
	}
}
