package sim

import (
	"sync"

	"github.com/tracebed/tracebed/sim/internal/coro"
)

// DefaultPoolSize is the number of idle goroutines a [GoroutinePool] made
// by [NewGoroutinePool] keeps; goroutines handed back past it end.
const DefaultPoolSize = 256

// GoroutinePool keeps the goroutines of finished runs, so that later runs
// start their tasks on them instead of on new goroutines: a goroutine
// whose stack has already grown, and no goroutine to create or end. Runs
// share it with [WithGoroutinePool]; [Explore] and [Check] give each of
// their workers one, and each DFS search and greedy [Shrink] pass uses
// one.
//
// A pooled goroutine carries nothing of the run it served into the next
// one that sim knows of, but it keeps its goroutine id: state keyed on
// goroutine ids (outside sim's [Local]) may then leak from one run into
// another, and make the runs depend on each other. Such state already
// escapes the scheduler within a run, where a goroutine whose task ended
// serves the next task to start; the determinism re-check of Explore and
// Check reports a run that differs when made again.
//
// A pool is safe for concurrent use, with one limit from the runtime: a
// goroutine made by iter.Pull must be resumed from a goroutine with the
// same OS-thread locking as the one that made it (the runtime ends the
// process otherwise). Runs that share a pool, and its Close, must all run
// on goroutines that did not call runtime.LockOSThread, or all on one
// locked goroutine. Its zero value is not usable: call
// [NewGoroutinePool]. Close it when done, or its goroutines live on.
type GoroutinePool struct {
	mu     sync.Mutex
	idle   []*coro.Coro
	max    int
	closed bool
}

// NewGoroutinePool returns an empty pool that keeps at most
// [DefaultPoolSize] idle goroutines.
func NewGoroutinePool() *GoroutinePool {
	return &GoroutinePool{max: DefaultPoolSize}
}

// WithGoroutinePool makes the run start its tasks on the pool's idle
// goroutines, and hand them back when it ends: a run then returns with
// them waiting in the pool, rather than ended. A nil pool is no pool.
func WithGoroutinePool(p *GoroutinePool) Option {
	return optionFunc(func(c *config) { c.pool = p })
}

// Close ends every idle goroutine of the pool; goroutines handed back
// afterwards end at once. Close returns when they have ended. It is safe
// to call more than once, and while runs using the pool go on.
func (p *GoroutinePool) Close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, co := range idle {
		co.Stop()
	}
}

// getIf returns an idle coroutine, or nil if there is none or p is nil.
func (p *GoroutinePool) getIf() *coro.Coro {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	co := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return co
}

// put keeps the coroutines, whose bodies returned, up to the pool's
// bound, and ends the rest.
func (p *GoroutinePool) put(cos []*coro.Coro) {
	p.mu.Lock()
	keep := 0
	if !p.closed {
		keep = min(len(cos), p.max-len(p.idle))
		p.idle = append(p.idle, cos[:keep]...)
	}
	p.mu.Unlock()
	for _, co := range cos[keep:] {
		co.Stop()
	}
}
