package promisepropagation_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/promisepropagation"
)

// One run of the scenario under sim on the tasks platform: "promises"
// finished first, then the two success callbacks' spans and the error
// callback's, each following from it.
func Example() {
	out, err := env.RunSim(promisepropagation.Scenario, env.Tasks, env.Config{Seed: 1})
	fmt.Println("error:", err)
	fmt.Print(out.Tree())
	// Output:
	// error: <nil>
	// promises [trace 1 span 1] 0s..0s component=example-promises
	//   success [trace 1 span 2 follows_from 1] 0s..10ms component=success logs=1
	//   success [trace 1 span 3 follows_from 1] 0s..10ms component=success logs=1
	//   error [trace 1 span 4 follows_from 1] 0s..10ms component=error error=true logs=1
}
