package errorreporting_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/errorreporting"
)

// One run of the scenario on sim tasks, seed 1, and its span tree.
func Example() {
	out, err := env.RunSim(errorreporting.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// callback [trace 1 span 1] 0s..10ms error=true logs=1
	// simple [trace 2 span 2] 0s..0s error=true logs=1
	// retry [trace 3 span 3] 0s..10ms error=true logs=1
	//   attempt [trace 3 span 4] 0s..5ms attempt=1 error=true logs=1
	//   attempt [trace 3 span 5] 5ms..10ms attempt=2 error=true logs=1
	// layer [trace 6 span 6] 10ms..10ms error=true logs=1
}
