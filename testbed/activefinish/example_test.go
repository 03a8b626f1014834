package activefinish_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/activefinish"
	"github.com/tracebed/tracebed/testbed/env"
)

// One run of the two-action scenario under sim, on the task-local
// platform: the span outlives the entry task and ends at 1.5 s, when the
// last action closes its continuation, with both actions' tags.
func Example() {
	out, err := env.RunSim(activefinish.Scenario, env.Tasks, env.Config{Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// parent [trace 1 span 1] 0s..1.5s test_tag_1=true test_tag_2=true
}
