package env

import (
	"fmt"

	"github.com/tracebed/tracebed/sim"
)

// Strategy names a sim strategy; with a seed it makes a sim.Strategy.
type Strategy string

// The strategies a scenario is explored with.
const (
	// Random picks uniformly among runnable tasks at each step.
	Random Strategy = "random"
	// PCT is probabilistic concurrency testing with depth PCTDepth. Its k
	// (task decisions per run) is measured on the scenario first, as
	// sim.Explore measures it (sim.Calibrate), once per exploration and
	// again, the same, for a replay of one seed: the change points reach
	// as far as the scenario's runs go. A run longer still is made again
	// by sim.Run with k raised (sim.PCTWithSteps).
	PCT Strategy = "pct"
	// DFS is bounded exhaustive search with DFSPreemptions preemptions:
	// the "seeds" budget caps the number of schedules, and a failure is
	// replayed from its schedule (a DFS run has no seed).
	DFS Strategy = "dfs"
)

// DFSPreemptions is the preemption bound of DFS explorations.
const DFSPreemptions = 2

// PCTDepth is the bug depth PCT explorations target.
const PCTDepth = 3

// Strategies lists the strategies, in a fixed order.
// DFS is not among them: it is exhaustive, so it runs only when asked for.
func Strategies() []Strategy { return []Strategy{Random, PCT} }

// AllStrategies lists every strategy, DFS included.
func AllStrategies() []Strategy { return []Strategy{Random, PCT, DFS} }

// StrategyByName parses a strategy name.
func StrategyByName(name string) (Strategy, error) {
	for _, st := range AllStrategies() {
		if string(st) == name {
			return st, nil
		}
	}
	return "", fmt.Errorf("%w %q (have random, pct, dfs)", ErrUnknownStrategy, name)
}

// sim returns the sim strategy for one seed; k is PCT's.
func (st Strategy) sim(seed uint64, k int) sim.Strategy {
	switch st {
	case PCT:
		return sim.PCTWithSteps(seed, PCTDepth, k)
	default:
		return sim.Random(seed)
	}
}
