package main

import (
	"context"
	"fmt"
	"os"
)

// The program offline with a fixed clock: both tools in one model turn,
// then the answer, printed line by line.
func Example() {
	if err := runWith(context.Background(), []string{"-now", "2026-03-02T15:04:05Z"}, os.Stdout, testSys()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).
	// Question: What is 15 * 23 + 100? Also, what time is it in America/New_York?
	//
	//   → calculator {"expression":"15 * 23 + 100"}
	//   ← calculator: 15 * 23 + 100 = 445
	//   → current_time {"timezone":"America/New_York"}
	//   ← current_time: America/New_York: Monday, 2 March 2026, 10:04 EST (UTC-05:00)
	//
	// Answer:
	//   Here is what I found:
	//   - calculator (expression: "15 * 23 + 100"): 15 * 23 + 100 = 445
	//   - current_time (timezone: "America/New_York"): America/New_York: Monday, 2 March 2026, 10:04 EST (UTC-05:00)
	//
	// Model turns: 2 (turn 1 called calculator + current_time). Tool calls: 2, tool errors: 0.
}
