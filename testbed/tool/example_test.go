package tool_test

import (
	"context"
	"errors"
	"os"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/tool"
)

// A tool of one's own: the caller's scenario (here one that always fails)
// replays in it, and the failure's replay line names that tool.
func Example() {
	greet := env.Scenario{
		Name:      "greet",
		Summary:   "a greeting that never arrives",
		Platforms: []env.Platform{env.Tasks},
		Run: func(e env.Env) error {
			e.Tracer().StartSpan("hello").Finish()
			return errors.New("no greeting")
		},
	}
	args := []string{"replay", "-scenario", "greet", "-seed", "0"}
	code := tool.Run(context.Background(), args, os.Stdout, os.Stderr,
		tool.WithoutBuiltins(), tool.WithScenarios(greet), tool.WithCommand("go run ./cmd/mybed"))
	if code != 1 {
		panic("want exit status 1, for the failure")
	}
	// Output:
	// greet on tasks, random seed 0
	//
	// timeline:
	//  step time     | decision | 0 root
	//     1 +0s      |          | ▶
	//     1 +0s      |          | ┌ span "hello" #1 (root)
	//     1 +0s      |          | └ span "hello" #1 (root)
	//     2 +0s      |          | exit
	//
	// spans:
	// hello [trace 1 span 1] 0s..0s
	//
	// schedule: 1:
	// FAIL: greet on tasks, random seed 0: no greeting
	// replay: go run ./cmd/mybed replay -scenario greet -platform tasks -strategy random -seed 0
}
