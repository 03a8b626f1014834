package multiplecallbacks_test

import (
	"fmt"
	"strings"

	"github.com/tracebed/tracebed/opentracing"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/multiplecallbacks"
)

// Run the scenario once under sim, on the tasks platform, and print the
// span tree: three tasks under the parent, which finishes last, when the
// callback that started first (and works longest) ends.
func Example() {
	out, err := env.RunSim(multiplecallbacks.Scenario, env.Tasks, env.Config{Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// parent [trace 1 span 1] 0s..300ms
	//   task [trace 1 span 2] 0s..300ms
	//   task [trace 1 span 3] 0s..100ms
	//   task [trace 1 span 4] 0s..200ms
}

// Run the multiple-yield limitation: on the stackcontext platform,
// callbacks sharing one stack context activate their own spans. Each starts
// its task under whatever span a sibling left active. With seed 4 the
// callbacks ran in the order they were spawned and closed in reverse (the
// shortest ends first), so the stack unwound cleanly and only the parents
// are wrong: each task hangs under the previous one. With seed 1 they ran
// in another order: closes came out of order, were refused as misuse, and
// the spans they should have finished stayed open: a single task finished,
// under a parent that never did.
func Example_multipleYield() {
	b, _ := multiplecallbacks.Scenario.BrokenByName(multiplecallbacks.MultipleYield)
	broken, p := multiplecallbacks.Scenario.Variant(b)
	for _, seed := range []uint64{4, 1} {
		out, err := env.RunSim(broken, p, env.Config{Seed: seed})
		fmt.Printf("seed %d: failed %v, out-of-order close %v\n", seed, err != nil,
			strings.Contains(fmt.Sprint(err), opentracing.MisuseCloseOutOfOrder.String()))
		fmt.Print(out.Tree())
	}
	// Output:
	// seed 4: failed true, out-of-order close false
	// parent [trace 1 span 1] 0s..300ms
	//   task [trace 1 span 2] 0s..300ms
	//     task [trace 1 span 3] 0s..200ms
	//       task [trace 1 span 4] 0s..100ms
	// seed 1: failed true, out-of-order close true
	// task [trace 1 span 4 parent 3] 0s..200ms
}
