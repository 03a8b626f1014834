package subtaskpropagation_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/subtaskpropagation"
)

// One run of the scenario on sim tasks, seed 1, and its span tree.
func Example() {
	out, err := env.RunSim(subtaskpropagation.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// parent [trace 1 span 1] 0s..0s
	//   child [trace 1 span 2] 0s..0s subtask=awaited
	//   child [trace 1 span 3] 0s..0s subtask=spawned
}
