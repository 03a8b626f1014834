package nestedcallbacks_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/nestedcallbacks"
)

// One run of the chain under sim on the inheriting (contextvars) platform:
// the three tasks found the span active, tagged it, and the last one
// finished it.
func Example() {
	out, err := env.RunSim(nestedcallbacks.Scenario, env.Inheriting, env.Config{Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// one [trace 1 span 1] 0s..0s key1=1 key2=2 key3=3
}
