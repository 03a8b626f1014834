package sim_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

var reqID = sim.NewLocal[int](true)

// mixedScenario exercises every primitive and source of decisions: spawns,
// a mutex, channels, a select racing a timer, same-instant timers, a
// future with Then, an event loop with CallSoon/CallLater, locals, Intn
// and annotations.
func mixedScenario(s *sim.Sim) {
	mu := sim.NewMutex(s)
	counter := sim.NewVar(s, 0)
	results := sim.NewChan[string](s, 2)
	fut := sim.NewFuture[int](s)
	loop := sim.NewLoop(s, "loop")
	wg := sim.NewWaitGroup(s)
	for i := range 3 {
		reqID.Set(s, i)
		wg.Go(fmt.Sprint("worker", i), func() {
			s.Sleep(time.Duration(s.Intn(3)) * time.Millisecond)
			mu.Lock()
			counter.Store(counter.Load() + 1)
			mu.Unlock()
			loop.CallSoon(func() { s.Logf("callback for request %d", reqID.Get(s)) })
			s.Select(
				sim.OnSend(results, fmt.Sprint("r", reqID.Get(s)), nil),
				sim.OnRecv(s.After(time.Millisecond), func(time.Time, bool) { s.Annotate("send timed out") }),
			)
		})
	}
	fut.Then(func(v int) { s.Logf("then %d, request %d", v, reqID.Get(s)) })
	s.Go("resolver", func() {
		loop.CallLater(time.Millisecond, func() { s.Logf("later, request %d", reqID.Get(s)) })
		fut.Resolve(7)
	})
	for range 2 {
		v, _ := results.Recv()
		s.Logf("got %s at %v", v, s.Elapsed())
	}
	wg.Wait()
	s.Sleep(2 * time.Millisecond)
	loop.Stop()
	loop.Wait()
}

func traceOf(t testing.TB, st sim.Strategy) (string, string) {
	t.Helper()
	res, err := sim.Run(mixedScenario, sim.WithStrategy(st))
	require.NoError(t, err)
	return res.Trace.String(), res.Schedule
}

// TestDeterminism: the same seed gives a byte-identical trace, whatever
// GOMAXPROCS, and replaying the recorded schedule gives the same trace.
func TestDeterminism_SameSeedSameTrace(t *testing.T) {
	seeds := 1000
	if testing.Short() {
		seeds = 200
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	traces := make([]string, seeds)
	distinct := make(map[string]bool)
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		for seed := range seeds {
			for _, st := range []sim.Strategy{sim.Random(uint64(seed)), sim.PCT(uint64(seed), 3)} {
				tr, sched := traceOf(t, st)
				again, _ := traceOf(t, sim.Replay(sched))
				require.Equal(t, tr, again, "seed %d: replay of %s differs", seed, sched)
				if _, ok := st.(interface{ Seed() uint64 }); ok && procs == 1 && st.Name()[0] == 'r' {
					traces[seed] = tr
					distinct[sched] = true
				} else if st.Name()[0] == 'r' {
					require.Equal(t, traces[seed], tr, "seed %d: GOMAXPROCS=%d trace differs from GOMAXPROCS=1", seed, procs)
				}
			}
		}
	}
	// The scenario must actually vary, or this test proves nothing.
	require.Greater(t, len(distinct), seeds/2)
}
