package sim_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/sim"
)

type payload struct{ a, b int }

// explode panics with a pointer argument on its stack, whose address
// differs from run to run.
//
//go:noinline
func explode(p *payload) { panic(fmt.Sprint("boom ", p.a)) }

// panicAndBlock leaves one task blocked on a mutex (its stack is in the
// report) while another panics (its stack is in the report too).
func panicAndBlock(s *sim.Sim) {
	m := sim.NewMutex(s)
	m.Lock()
	s.Go("waiter", func() { m.Lock() })
	s.Go("bad", func() { explode(&payload{1, 2}) })
	s.Yield()
	s.Yield()
}

func TestFailure_ReportIsByteIdentical(t *testing.T) {
	report := func(opt sim.Option) (string, string) {
		_, err := sim.Run(panicAndBlock, opt)
		var f *sim.Failure
		require.ErrorAs(t, err, &f)
		require.True(t, errors.Is(err, sim.ErrPanic), "%v", err)
		return f.Report, f.Schedule
	}
	first, schedule := report(sim.WithStrategy(sim.Random(1)))
	again, _ := report(sim.WithStrategy(sim.Random(1)))
	replayed, _ := report(sim.WithStrategy(sim.Replay(schedule)))
	assert.Equal(t, first, again, "the same seed, twice")
	// A replay names its own strategy; the rest of the report is the same.
	_, firstRest, _ := strings.Cut(first, "tasks:\n")
	_, replayedRest, _ := strings.Cut(replayed, "tasks:\n")
	assert.Equal(t, firstRest, replayedRest, "the seed, then its schedule")

	// The stacks keep the user's frames, and lose what varies between
	// runs (argument words, pc offsets) and the panic machinery.
	assert.Contains(t, first, "sim_test.explode(...)")
	assert.Contains(t, first, "failure_test.go:")
	assert.Contains(t, first, "sim.(*Mutex).Lock(...)")
	for _, bad := range []string{"0xc0", " +0x", "runtime/debug", "panic(", "goroutine ", "iter.Pull"} {
		assert.NotContains(t, first, bad)
	}
	// A frame without arguments keeps its "()".
	assert.Contains(t, first, "sim_test.panicAndBlock.func2()\n")
	// The task that failed is named as such in the task list, not "ended".
	assert.Regexp(t, `(?m)^  task \d+ "[^"]+": panicked$`, first)
}
