package suspendresume_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/suspendresume"
)

// One run of the scenario on sim tasks, seed 1, and its span tree.
func Example() {
	out, err := env.RunSim(suspendresume.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// job 1 [trace 1 span 1] 0s..0s component=suspend-resume logs=2
	// job 2 [trace 2 span 2] 0s..0s component=suspend-resume logs=2
}
