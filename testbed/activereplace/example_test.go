package activereplace_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/activereplace"
	"github.com/tracebed/tracebed/testbed/env"
)

// One run of the scenario on sim tasks, seed 1, and its span tree.
func Example() {
	out, err := env.RunSim(activereplace.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// initial [trace 1 span 1] 0s..50ms
	// task [trace 2 span 2] 0s..50ms
	//   subtask [trace 2 span 3] 50ms..50ms
}
