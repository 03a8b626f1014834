package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// idle is the number of goroutines waiting in the pool.
func (p *GoroutinePool) idleCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

// gated spawns n tasks that all wait for the last to start: n goroutines
// alive at once, plus the root's.
func gated(n int) func(s *Sim) {
	return func(s *Sim) {
		gate, wg := NewWaitGroup(s), NewWaitGroup(s)
		gate.Add(n)
		for range n {
			wg.Go("w", func() {
				gate.Done()
				gate.Wait()
			})
		}
		wg.Wait()
	}
}

// The pool keeps the goroutines of a run, at most DefaultPoolSize of them
// (the rest end when the run hands them back); Close ends them; a run on
// a closed pool hands its goroutines back to be ended.
func TestGoroutinePool_Bounded(t *testing.T) {
	defer goleak.VerifyNone(t)
	pool := NewGoroutinePool()
	_, err := Run(gated(10), WithGoroutinePool(pool))
	require.NoError(t, err)
	assert.Equal(t, 11, pool.idleCount(), "the root's goroutine and ten tasks'")
	_, err = Run(gated(DefaultPoolSize+100), WithGoroutinePool(pool), WithStrategy(Random(3)))
	require.NoError(t, err)
	assert.Equal(t, DefaultPoolSize, pool.idleCount())
	pool.Close()
	assert.Zero(t, pool.idleCount())
	pool.Close() // twice is fine
	_, err = Run(gated(3), WithGoroutinePool(pool))
	require.NoError(t, err, "a run on a closed pool")
	assert.Zero(t, pool.idleCount())
}
