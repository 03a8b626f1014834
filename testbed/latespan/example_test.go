package latespan_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/latespan"
)

// Run the scenario once under sim, on the tasks platform, and print the
// span tree: both tasks under the parent, which finishes last.
func Example() {
	out, err := env.RunSim(latespan.Scenario, env.Tasks, env.Config{Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// parent [trace 1 span 1] 0s..300ms
	//   task1 [trace 1 span 2] 0s..100ms
	//   task2 [trace 1 span 3] 0s..300ms
}
