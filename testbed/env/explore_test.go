package env_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/testbed/env"
)

func noop() env.Scenario {
	return env.Scenario{Name: "noop", Platforms: []env.Platform{env.Tasks}, Run: func(env.Env) error { return nil }}
}

// An exploration of 1e8 seeds starts with flat memory: the seeds are drawn
// as they run, never listed (a list took 2.5 GB before the first run).
func TestExploreSeedsLazily(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(context.Background())
	st, err := env.ExploreContext(ctx, noop(), env.Tasks, env.Exploration{Seeds: 100_000_000, Workers: 1, Progress: func(done int) {
		if done == 10 {
			runtime.ReadMemStats(&after)
			cancel()
		}
	}})
	require.NoError(t, err)
	assert.True(t, st.Cut)
	assert.Equal(t, 10, st.Runs)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "allocated before the 10th run")
}

func TestExploreSeedsPastTheLargest(t *testing.T) {
	_, err := env.Explore(noop(), env.Tasks, env.Exploration{Seeds: 2, FirstSeed: ^uint64(0)})
	assert.ErrorIs(t, err, env.ErrBadExploration)
	st, err := env.Explore(noop(), env.Tasks, env.Exploration{Seeds: 1, FirstSeed: ^uint64(0)})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Runs)
}
