package scope

import (
	"sync"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
)

// inTask reports whether the caller is the running task of s. sim panics
// when asked from anywhere else (outside the run, or from a goroutine that
// is no task of it); that panic is the answer. It costs a deferred recover
// on every call, a few nanoseconds, and a panic only outside a task.
func inTask(s *sim.Sim) (yes bool) {
	defer func() {
		if recover() != nil {
			yes = false
		}
	}()
	s.Current()
	return true
}

// outside is the goroutine-local storage a sim-task manager falls back to
// when it is called from outside any task of its simulation, as Python's
// asyncio and gevent managers fall back to thread-local storage outside a
// task. It is made on first use: most managers never need it.
type outside struct {
	once sync.Once
	gl   *GoroutineLocal
}

// manager returns the fallback; its scopes report owner as their manager
// and name in misuse reports.
func (o *outside) manager(owner opentracing.ScopeManager, name string) *GoroutineLocal {
	o.once.Do(func() {
		o.gl = &GoroutineLocal{owner: owner, name: name + " (outside a task: goroutine-local)"}
	})
	return o.gl
}
