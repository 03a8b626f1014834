package statelesshandler_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/statelesshandler"
)

// One run of the scenario on sim tasks, seed 1, and its span tree.
func Example() {
	out, err := env.RunSim(statelesshandler.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// send [trace 1 span 1] 0s..30ms message=message2 span.kind=client logs=1
	// send [trace 2 span 2] 10ms..30ms message=message3 span.kind=client logs=1
	// send [trace 3 span 3] 20ms..30ms message=message1 span.kind=client logs=1
}
