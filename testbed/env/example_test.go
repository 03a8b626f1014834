package env_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tracebed/tracebed/testbed/env"
)

// A reply racing a timeout at the same virtual instant: the server answers
// after 100ms and the client waits at most 100ms. Under sim both timers
// fall due together, and which one the client sees is a decision of the
// schedule, so exploring the seeds reaches both outcomes.
func Example_replyRacesTimeout() {
	outcomes := map[string]int{}
	sc := env.Scenario{
		Name:      "replytimeout",
		Platforms: []env.Platform{env.Tasks},
		Run: func(e env.Env) error {
			reply := env.NewFuture[string](e)
			e.Go("server", func() {
				e.Sleep(100 * time.Millisecond)
				reply.Resolve("pong")
			})
			ctx, cancel := e.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := reply.GetContext(ctx)
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				outcomes["timeout"]++
			case err == nil:
				outcomes["reply"]++
			}
			return nil
		},
	}
	const seeds = 200
	for seed := range uint64(seeds) {
		if _, err := env.RunSim(sc, env.Tasks, env.Config{Seed: seed}); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("runs:", outcomes["reply"]+outcomes["timeout"])
	fmt.Println("reply won on some seeds:", outcomes["reply"] > 0)
	fmt.Println("timeout won on some seeds:", outcomes["timeout"] > 0)
	// Output:
	// runs: 200
	// reply won on some seeds: true
	// timeout won on some seeds: true
}
