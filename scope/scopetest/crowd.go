package scopetest

import (
	"fmt"
	"slices"
	"sync"

	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/opentracing"
)

// crowdRounds is how many crowds each Run starts: a manager keyed on a
// non-unique id fails every one of them, so two say it is no accident.
const crowdRounds = 2

// runCrowd runs the crowd check crowdRounds times before the random
// sequences, each time on a fresh runner and manager. It is not part of a
// rapid sequence: its failure does not depend on anything rapid draws, so
// there is nothing to shrink, and running it once per Run instead of once
// per sequence keeps the harness fast under -race. It reports a failure on
// t and says whether the crowd passed.
func runCrowd(t rapid.TB, c *config, newManager func(Env) opentracing.ScopeManager) bool {
	t.Helper()
	if c.crowd < 2 {
		return true
	}
	for round := range crowdRounds {
		ct := &crowdT{}
		func() {
			defer func() {
				if p := recover(); p != nil {
					f, ok := p.(crowdFailure)
					if !ok {
						panic(p)
					}
					ct.failure = string(f)
				}
			}()
			withRunner(c, func() bool { return false }, func(r runner) {
				m := newMachine(ct, c, r, newManager)
				m.crowdCheck(ct)
			})
		}()
		if ct.failure != "" {
			for _, l := range ct.logs {
				t.Logf("%s", l)
			}
			t.Fatalf("%s (crowd %d of %d, before any random sequence)", ct.failure, round+1, crowdRounds)
			return false
		}
	}
	return true
}

// failer is what the checks need of a test: *rapid.T, or a crowdT.
type failer interface {
	Logf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// crowdT is the failer of a crowd: it keeps the log and ends the crowd with
// a crowdFailure panic, which runCrowd recovers (the crowd may run inside a
// sim task, where testing's Goexit must not be called).
type crowdT struct {
	mu      sync.Mutex
	logs    []string
	failure string
}

type crowdFailure string

func (c *crowdT) Logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, fmt.Sprintf(format, args...))
}

func (c *crowdT) Fatalf(format string, args ...any) {
	panic(crowdFailure(fmt.Sprintf(format, args...)))
}

// crowdCheck opens every Run (see runCrowd): the first task starts
// config.crowd tasks at once, and each activates a span of its own. The
// tasks run in three phases, all tasks in one phase before any in the next:
//
//	A: read the inherited active scope, then activate its own span;
//	B: with every task's scope open, read the active scope: its own;
//	C: close its scope, and read the inherited one again.
//
// A manager that keys its stacks on an id two tasks can share (a goroutine
// id modulo a shard count, a task's name) shows it in phase B every run,
// once the crowd is larger than the number of keys: two tasks share a stack
// then, and one of them sees the other's scope. Under Goroutines the tasks
// of a phase really overlap, with no happens-before edge between them, so
// `go test -race` sees a manager whose table is not synchronised.
//
// The failure messages name the check that failed, never which tasks
// collided (that depends on goroutine ids and timing): rapid compares the
// message of a failure when it replays it, and the same bug gives the same
// message every run. The log names the tasks.
func (m *machine) crowdCheck(t failer) {
	n := m.c.crowd
	fresh := false
	if m.c.rule == Shared {
		// The tasks must have stacks of their own: fresh contexts.
		if _, ok := m.tasks[0].mgr.(ContextRunner); !ok || !m.c.fresh {
			return
		}
		fresh = true
	}
	if n < 2 {
		return
	}
	root := m.tasks[0]
	tr := newTracer(root.mgr) // its own span ids and misuse, apart from the sequence's
	parent := tr.start("crowd parent", nil)
	var ps opentracing.Scope
	root.w.do(func() { ps = root.mgr.Activate(parent, false) })
	base := ps // what a task of the crowd starts with
	if m.c.rule == None || fresh {
		base = nil
	}
	spans := make([]*span, n)
	for i := range spans {
		spans[i] = tr.start(fmt.Sprintf("crowd%d", i), nil)
	}
	mgrs := make([]opentracing.ScopeManager, n)
	scopes := make([]opentracing.Scope, n)
	got := make([][3]opentracing.Scope, n) // Active() in phases A, B, C
	where := ""
	if fresh {
		where = " in fresh contexts"
	}
	m.logf(t, "crowd of %d tasks, spawned at once%s with %s active, each activating a span of its own", n, where, startName(base))
	around := func(i int, start func()) {
		mgrs[i] = root.mgr
		if f := m.c.spawnManager; f != nil {
			mgrs[i] = f(root.mgr)
		}
		if fresh {
			root.mgr.(ContextRunner).Run(start)
			return
		}
		start()
	}
	p := m.r.crowd(root.w, n, around,
		func(i int) {
			got[i][0] = mgrs[i].Active()
			scopes[i] = mgrs[i].Activate(spans[i], i%2 == 0)
		},
		func(i int) { got[i][1] = mgrs[i].Active() },
		func(i int) {
			scopes[i].Close()
			got[i][2] = mgrs[i].Active()
		},
	)
	var after opentracing.Scope
	root.w.do(func() {
		ps.Close()
		after = root.mgr.Active()
	})
	if p != nil {
		t.Fatalf("crowd: a task panicked: %v", p.value)
	}
	// class names what a task saw by its relation to the task, never by
	// which other task it belongs to: that changes from run to run.
	class := func(sc opentracing.Scope, i int) string {
		switch {
		case sc == nil:
			return "nil"
		case sc == ps:
			return "the parent's scope"
		case sc == scopes[i]:
			return "its own scope"
		case slices.Contains(scopes, sc):
			return "another crowd task's scope"
		}
		return describeUnknown(sc)
	}
	// Phase B first: two tasks that share a stack fail it whatever the
	// timing, while what they see in A and C depends on who ran first.
	checks := []struct {
		phase int
		want  func(i int) opentracing.Scope
		what  string
	}{
		{1, func(i int) opentracing.Scope { return scopes[i] },
			"while every task had a scope of its own open, a task saw another scope active than its own"},
		{0, func(int) opentracing.Scope { return base }, "a task did not start with " + startName(base) + " active"},
		{2, func(int) opentracing.Scope { return base },
			"after closing its scope, a task did not see " + startName(base) + " active again"},
	}
	for _, c := range checks {
		bad := false
		for i := range n {
			if g, w := got[i][c.phase], c.want(i); g != w {
				bad = true
				t.Logf("crowd task %d: Active() = %s, want %s", i, class(g, i), class(w, i))
			}
		}
		if bad {
			t.Fatalf("crowd of %d tasks: %s (propagation %v); the log names the tasks", n, c.what, m.c.rule)
		}
	}
	if got := int(parent.finishes.Load()); got != 0 {
		t.Fatalf("crowd of %d tasks: the parent's span, activated without finishOnClose, finished %d times", n, got)
	}
	for i, s := range spans {
		want := 0
		if i%2 == 0 {
			want = 1
		}
		if got := int(s.finishes.Load()); got != want {
			t.Logf("crowd task %d: its span finished %d times, want %d", i, got, want)
			t.Fatalf("crowd of %d tasks: a task's span (finishOnClose %v) finished %d times, want %d", n, want == 1, got, want)
		}
	}
	if after != nil {
		t.Fatalf("crowd: after the crowd and its parent's scope closed, the first task sees %s active, want nil", class(after, 0))
	}
	if got := tr.misuseKinds(); m.c.misuse && len(got) > 0 {
		t.Logf("crowd: misuse reported: %v", got)
		t.Fatalf("crowd of %d tasks: misuse reported, none expected", n)
	}
}

// startName names what a crowd task starts with: the parent's scope or
// nothing.
func startName(sc opentracing.Scope) string {
	if sc == nil {
		return "nothing"
	}
	return "the parent's scope"
}
