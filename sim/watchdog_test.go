package sim_test

import (
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

// TestWatchdog_ReportsATaskBlockedOutsideTheScheduler runs this test binary
// again with a scenario whose task blocks on a real sync.Mutex that the
// root holds while it waits for that task: without the watchdog the run
// hangs until go test's -timeout. The child must end, fast, with a report
// naming the strategy, the seed, the stuck task and its stack.
func TestWatchdog_ReportsATaskBlockedOutsideTheScheduler(t *testing.T) {
	if os.Getenv("SIM_TEST_STALL_CHILD") == "1" {
		var mu sync.Mutex // a real mutex: the scheduler cannot see it
		_, _ = sim.Run(func(s *sim.Sim) {
			mu.Lock() // held while the root waits for the task below
			wg := sim.NewWaitGroup(s)
			wg.Go("waiter", func() { blockOnRealMutex(&mu) })
			wg.Wait()
			mu.Unlock()
		}, sim.WithStrategy(sim.Random(7)), sim.WithStallTimeout(200*time.Millisecond))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdog_ReportsATaskBlockedOutsideTheScheduler$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SIM_TEST_STALL_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child should die: %s", out)
	assert.Contains(t, string(out), "sim: run stalled under random(seed=7)")
	assert.Contains(t, string(out), `task 1 "waiter" has not reached a scheduling point for 200ms of wall time`)
	assert.Contains(t, string(out), "sim_test.blockOnRealMutex", "the stuck goroutine's stack")
}

//go:noinline
func blockOnRealMutex(mu *sync.Mutex) {
	mu.Lock() // never returns: the root holds mu and waits for this task
	defer mu.Unlock()
}

// A lone task passing scheduling points for longer than the stall timeout
// (every step picks the same task, so no task is resumed) is progress, not
// a stall. The timeout is generous, so that a loaded machine descheduling
// the task for a while cannot trip it.
func TestWatchdog_StepsWithoutSwitchesAreProgress(t *testing.T) {
	_, err := sim.Run(func(s *sim.Sim) {
		deadline := time.Now().Add(1200 * time.Millisecond)
		for time.Now().Before(deadline) {
			s.Yield()
		}
	}, sim.WithStallTimeout(500*time.Millisecond), sim.WithMaxSteps(1<<40))
	require.NoError(t, err)
}

// TestWatchdog_KeepsTheOriginalFailure: a run that failed (a panic) and
// then stalls while unwinding (a deferred call blocks on a real mutex)
// is reported with the original failure, not only as a stall.
func TestWatchdog_KeepsTheOriginalFailure(t *testing.T) {
	if os.Getenv("SIM_TEST_STALL_CHILD") == "2" {
		var mu sync.Mutex
		mu.Lock() // never unlocked: the deferred call below blocks
		_, _ = sim.Run(func(s *sim.Sim) {
			ch, started := sim.NewChan[int](s, 0), sim.NewChan[int](s, 1)
			s.Go("waiter", func() {
				defer blockOnRealMutex(&mu)
				started.Send(1)
				ch.Recv()
			})
			started.Recv()
			panic("the original failure")
		}, sim.WithStrategy(sim.Random(3)), sim.WithStallTimeout(200*time.Millisecond))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdog_KeepsTheOriginalFailure$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SIM_TEST_STALL_CHILD=2")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child should die: %s", out)
	assert.Contains(t, string(out), "sim: run stalled under random(seed=3)")
	assert.Contains(t, string(out), "The run had already failed")
	assert.Contains(t, string(out), "the original failure")
}
