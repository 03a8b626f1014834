package actorpropagation_test

import (
	"fmt"

	"github.com/tracebed/tracebed/testbed/actorpropagation"
	"github.com/tracebed/tracebed/testbed/env"
)

// One run of the scenario on sim tasks, seed 1, and its span tree.
func Example() {
	out, err := env.RunSim(actorpropagation.Scenario, env.Tasks, env.Config{Strategy: env.Random, Seed: 1})
	fmt.Println("failure:", err)
	fmt.Print(out.Tree())
	// Output:
	// failure: <nil>
	// actorTell [trace 1 span 1] 0s..0s component=example-actor span.kind=producer
	//   received [trace 1 span 2 follows_from 1] 0s..0s component=example-actor message=my message 1 span.kind=consumer logs=1
	//   received [trace 1 span 3 follows_from 1] 0s..0s component=example-actor message=my message 2 span.kind=consumer logs=1
	// actorAsk [trace 4 span 4] 0s..0s component=example-actor span.kind=producer
	//   received [trace 4 span 5 follows_from 4] 0s..0s component=example-actor message=my message 1 span.kind=consumer
	//   received [trace 4 span 6 follows_from 4] 0s..0s component=example-actor message=my message 2 span.kind=consumer
}
