package clientserver_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/clientserver"
	"github.com/tracebed/tracebed/testbed/env"
)

// One run of the scenario on sim tasks, seed 1: the server's span is a
// child of the client's, in the client's trace.
func Example() {
	out, err := env.RunSim(clientserver.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Print(out.Tree())
	fmt.Println("failed:", err != nil)
	// Output:
	// send [trace 1 span 1] 0s..0s component=example-client span.kind=client
	//   receive [trace 1 span 2] 0s..0s component=example-server span.kind=server logs=1
	// failed: false
}
