package commonrequest_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/commonrequest"
	"github.com/tracebed/tracebed/testbed/env"
)

// One run of the scenario under sim on the tasks platform: two concurrent
// requests, each the root of its own trace, and one sent inside "parent"
// that does not pick it up.
func Example() {
	out, err := env.RunSim(commonrequest.Scenario, env.Tasks, env.Config{Seed: 1})
	fmt.Println("error:", err)
	fmt.Print(out.Tree())
	// Output:
	// error: <nil>
	// send [trace 1 span 1] 0s..10ms request=message1 span.kind=client
	// parent [trace 2 span 2] 0s..10ms
	// send [trace 3 span 3] 0s..10ms request=no_parent span.kind=client
	// send [trace 4 span 4] 0s..10ms request=message2 span.kind=client
}

// The bad solution on the inherit platform: both requests end up children
// of "parent", the second one wrongly.
func Example_badSolution() {
	out, err := env.RunSim(commonrequest.BadSolution, env.Inheriting, env.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Print(out.Tree())
	// Output:
	// parent [trace 1 span 1] 0s..10ms
	//   send [trace 1 span 2] 0s..10ms request=correct_parent span.kind=client
	//   send [trace 1 span 3] 10ms..20ms request=wrong_parent span.kind=client
}

// The good solution on the inherit platform: only the request sent inside
// "parent" is its child.
func Example_goodSolution() {
	out, err := env.RunSim(commonrequest.GoodSolution, env.Inheriting, env.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Print(out.Tree())
	// Output:
	// parent [trace 1 span 1] 0s..10ms
	//   send [trace 1 span 2] 0s..10ms request=correct_parent span.kind=client
	// send [trace 3 span 3] 10ms..20ms request=wrong_parent span.kind=client
}
