package tracefile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Summary is what [ReadSummary] learns from a trace file.
type Summary struct {
	Path      string
	Run       string
	Agent     string
	LLMCalls  int
	Attempts  int
	ToolCalls int
	// Outcome is "success" or "error"; "" when the file holds no outcome
	// (the run is still going, the process ended first, or the file was
	// cut).
	Outcome  string
	Duration string
	Tokens   string
	// Cut reports a file that reached Trace.MaxFileBytes: records after
	// the cut were dropped, so the counts above are lower bounds.
	Cut bool
}

// ReadSummary reads a trace file back and counts what it recorded.
// It reads line by line, so a file of any size costs 64 KiB of memory
// (longer lines are recorded text, not structure, and are skipped).
func ReadSummary(path string) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, fmt.Errorf("read trace: %w", err)
	}
	defer f.Close()
	s := Summary{Path: path}
	calls := map[string]bool{}
	var in, out string
	rd := bufio.NewReaderSize(f, 64<<10)
	for {
		b, err := rd.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// An over-long line is text, not structure: skip it.
			for err == bufio.ErrBufferFull {
				_, err = rd.ReadSlice('\n')
			}
			b = nil
		}
		if err != nil && err != io.EOF {
			return s, fmt.Errorf("read trace: %w", err)
		}
		line := strings.TrimSuffix(string(b), "\n")
		switch {
		case strings.HasPrefix(line, "run: "):
			s.Run = strings.TrimPrefix(line, "run: ")
		case strings.HasPrefix(line, "agent: "):
			s.Agent = strings.TrimPrefix(line, "agent: ")
		case strings.HasPrefix(line, "--- LLM call "):
			s.Attempts++
			f := strings.Fields(line)
			if len(f) > 3 {
				calls[f[3]] = true
			}
		case strings.HasPrefix(line, "--- tool call "):
			// A call counts once: at its first attempt, or when it was
			// not run at all (approval denied or timed out).
			if strings.HasSuffix(line, "attempt 1 ---") || strings.Contains(line, ") not run: ") {
				s.ToolCalls++
			}
		case strings.HasPrefix(line, "=== outcome: "):
			s.Outcome = strings.TrimSuffix(strings.TrimPrefix(line, "=== outcome: "), " ===")
		case strings.HasPrefix(line, fileCutPrefix):
			s.Cut = true
		case strings.HasPrefix(line, "duration: "):
			s.Duration = strings.TrimPrefix(line, "duration: ")
		case strings.HasPrefix(line, "tokens_in: "):
			in = strings.TrimPrefix(line, "tokens_in: ")
		case strings.HasPrefix(line, "tokens_out: "):
			out = strings.TrimPrefix(line, "tokens_out: ")
		}
		if err == io.EOF {
			break
		}
	}
	s.LLMCalls = len(calls)
	if in != "" {
		s.Tokens = "in=" + in + " out=" + out
	}
	return s, nil
}
