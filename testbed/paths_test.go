package testbed_test

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed"
	"github.com/tracebed/tracebed/testbed/env"
)

// The managers below are each wrong on one path only, the paths part 1's
// seven scenarios left alone: nesting three deep, re-activating a span
// over itself, Active's identity, and a task acting after its stack
// context has returned. TestRunAllCatchesManagersWrongOnOnePath shows that
// the seven pass each of them and the fourteen catch each.

// pathBug selects the one path a stackManager gets wrong.
type pathBug int

const (
	// shallow keeps two scopes per task: a third pushes the first out, so
	// after three-deep nesting unwinds, the task's outer scope is lost.
	shallow pathBug = iota + 1
	// dedup returns the active Scope itself when its span is activated
	// again: the inner Close then ends the outer activation.
	dedup
	// rewrap returns a fresh wrapper of the active Scope from Active: the
	// right span, not the Scope that Activate returned.
	rewrap
)

// stackManager is a task-local manager (the Explicit rule) that is right
// except for its bug.
type stackManager struct {
	s     *sim.Sim
	stack *sim.Local[*[]*stackScope] // per task, not inherited
	bug   pathBug
}

type stackScope struct {
	m      *stackManager
	span   opentracing.Span
	finish bool
	closed bool
}

type wrapped struct{ *stackScope }

func newStackManager(bug pathBug) env.ManagerFunc {
	return func(s *sim.Sim) opentracing.ScopeManager {
		return &stackManager{s: s, stack: sim.NewLocal[*[]*stackScope](false), bug: bug}
	}
}

func (m *stackManager) tasks() *[]*stackScope {
	st := m.stack.Get(m.s)
	if st == nil {
		st = new([]*stackScope)
		m.stack.Set(m.s, st)
	}
	return st
}

func (m *stackManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	st := m.tasks()
	if n := len(*st); m.bug == dedup && n > 0 && (*st)[n-1].span == span {
		return (*st)[n-1]
	}
	sc := &stackScope{m: m, span: span, finish: finishOnClose}
	*st = append(*st, sc)
	if m.bug == shallow && len(*st) > 2 {
		*st = (*st)[1:]
	}
	return sc
}

func (m *stackManager) Active() opentracing.Scope {
	st := m.tasks()
	if len(*st) == 0 {
		return nil
	}
	top := (*st)[len(*st)-1]
	if m.bug == rewrap {
		return wrapped{top}
	}
	return top
}

func (s *stackScope) Span() opentracing.Span            { return s.span }
func (s *stackScope) Manager() opentracing.ScopeManager { return s.m }
func (s *stackScope) Close() {
	st := s.m.tasks()
	n := len(*st)
	if s.closed || n == 0 || (*st)[n-1] != s {
		return // ignored, as Python's managers ignore it
	}
	s.closed = true
	*st = (*st)[:n-1]
	if s.finish && s.span != nil {
		s.span.Finish()
	}
}

// deadContexts is a stack-context manager (the Shared rule) whose context
// ends when the function Run runs returns: a task started in it that acts
// later falls back to the root context, shared by every such task, as
// Tornado callbacks that are not wrapped in their StackContext run with
// the thread-local fallback.
type deadContexts struct {
	s    *sim.Sim
	ctx  *sim.Local[*deadCell] // inherited: children share the cell
	root deadCell
}

type deadCell struct {
	top  []*deadScope
	dead bool
}

type deadScope struct {
	m      *deadContexts
	cell   *deadCell
	span   opentracing.Span
	finish bool
	closed bool
}

func newDeadContexts(s *sim.Sim) opentracing.ScopeManager {
	return &deadContexts{s: s, ctx: sim.NewLocal[*deadCell](true)}
}

func (m *deadContexts) Run(f func()) {
	prev, had := m.ctx.Lookup(m.s)
	c := &deadCell{}
	m.ctx.Set(m.s, c)
	f()
	c.dead = true // the bug: tasks started in it still use it
	if had {
		m.ctx.Set(m.s, prev)
	} else {
		m.ctx.Delete(m.s)
	}
}

func (m *deadContexts) current() *deadCell {
	if c := m.ctx.Get(m.s); c != nil && !c.dead {
		return c
	}
	return &m.root
}

func (m *deadContexts) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	c := m.current()
	sc := &deadScope{m: m, cell: c, span: span, finish: finishOnClose}
	c.top = append(c.top, sc)
	return sc
}

func (m *deadContexts) Active() opentracing.Scope {
	c := m.current()
	if len(c.top) == 0 {
		return nil
	}
	return c.top[len(c.top)-1]
}

func (s *deadScope) Span() opentracing.Span            { return s.span }
func (s *deadScope) Manager() opentracing.ScopeManager { return s.m }
func (s *deadScope) Close() {
	n := len(s.cell.top)
	if s.closed || n == 0 || s.cell.top[n-1] != s {
		return
	}
	s.closed = true
	s.cell.top = s.cell.top[:n-1]
	if s.finish && s.span != nil {
		s.span.Finish()
	}
}

// partOne are the scenarios of part 1, which none of these managers fail.
var partOne = map[string]bool{
	"activefinish": true, "clientserver": true, "commonrequest": true, "commonrequest-badsolution": true,
	"commonrequest-goodsolution": true, "latespan": true, "multiplecallbacks": true, "nestedcallbacks": true,
	"promisepropagation": true,
}

// caughtBy explores every scenario under sim with m, on the platforms of
// propagation prop (as RunAll with WithManager does), and returns the
// names of the scenarios that caught it.
func caughtBy(t *testing.T, prop env.Propagation, m env.ManagerFunc, seeds int) []string {
	t.Helper()
	var caught []string
	for _, sc := range testbed.All() {
		for _, p := range sc.Platforms {
			if p.Propagation != prop {
				continue
			}
			found := false
			for _, st := range env.Strategies() {
				stats, err := env.Explore(sc, p, env.Exploration{Strategy: st, Seeds: seeds, StopAtFirst: true, Config: env.Config{Manager: m}})
				require.NoError(t, err)
				if stats.First != nil {
					t.Logf("%s on %s caught it: %v", sc.Name, p.Name, stats.First.Err)
					found = true
					break
				}
			}
			if found {
				caught = append(caught, sc.Name)
				break
			}
		}
	}
	return caught
}

func TestRunAllCatchesManagersWrongOnOnePath(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 20
	}
	tests := []struct {
		name string
		prop env.Propagation
		m    env.ManagerFunc
		want string // a new scenario that must catch it
	}{
		{"nesting three deep", env.Explicit, newStackManager(shallow), "subtaskpropagation"},
		{"re-activating a span over itself", env.Explicit, newStackManager(dedup), "subtaskpropagation"},
		{"the identity of Active", env.Explicit, newStackManager(rewrap), "statelesshandler"},
		{"a task acting after its stack context returned", env.Shared, newDeadContexts, "listenerperrequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caught := caughtBy(t, tt.prop, tt.m, seeds)
			assert.Contains(t, caught, tt.want)
			for _, name := range caught {
				assert.False(t, partOne[name], "%s, a part-1 scenario, caught it: the manager is not wrong on this path only", name)
			}
		})
	}
}

// pathManagers are the managers above by name, for the child test binary.
var pathManagers = map[string]struct {
	prop env.Propagation
	m    env.ManagerFunc
}{
	"shallow":      {env.Explicit, newStackManager(shallow)},
	"dedup":        {env.Explicit, newStackManager(dedup)},
	"rewrap":       {env.Explicit, newStackManager(rewrap)},
	"deadcontexts": {env.Shared, newDeadContexts},
}

// TestRunAllFailsOnEachPathManager runs testbed.RunAll itself, in a child
// test binary, with each manager: it fails, in a new scenario, and in none
// of part 1's.
func TestRunAllFailsOnEachPathManager(t *testing.T) {
	if name := os.Getenv("TESTBED_PATH_MANAGER"); name != "" {
		pm := pathManagers[name]
		testbed.RunAll(t, testbed.WithManager(pm.prop, pm.m))
		return
	}
	for name := range pathManagers {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRunAllFailsOnEachPathManager$", "-test.v", "-testbed.seeds=12")
			cmd.Env = append(os.Environ(), "TESTBED_PATH_MANAGER="+name)
			raw, err := cmd.CombinedOutput()
			out := string(raw)
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "RunAll passed with the %s manager: %v\n%s", name, err, out)
			failed := regexp.MustCompile(`--- FAIL: TestRunAllFailsOnEachPathManager/([^/\s]+) `).FindAllStringSubmatch(out, -1)
			require.NotEmpty(t, failed, "no scenario failed:\n%s", out)
			for _, f := range failed {
				t.Logf("RunAll failed in %s", f[1])
				assert.False(t, partOne[f[1]], "part 1's %s failed with the %s manager", f[1], name)
			}
		})
	}
}
