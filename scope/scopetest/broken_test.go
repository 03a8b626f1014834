package scopetest_test

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/petermattis/goid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/scope/scopetest"
	"github.com/tracebed/tracebed/sim"
)

// bug is a way to break a goroutine-local manager.
type bug int

const (
	noBug        bug = iota
	noRestore        // Close leaves nothing active instead of the previous scope
	leaky            // one stack for every goroutine
	finishTwice      // Close finishes the span twice
	panics           // a second Close panics
	finishNil        // Close of a nil span's scope with finishOnClose calls Finish on nil
	nilNoRestore     // Close of a nil span's scope restores nothing
	restoreCopy      // Close makes a copy of the previous scope active, not the scope itself
	shardKey         // stacks keyed on the goroutine id modulo 64: not unique
	unsynced         // no lock around the table (only for the -race subprocess)
)

// brokenManager is a goroutine-local manager with one deliberate bug (or
// none, to show the harness passes it).
type brokenManager struct {
	bug bug
	mu  sync.Mutex
	top map[int64]*brokenScope // guarded by mu
}

type brokenScope struct {
	m             *brokenManager
	span          opentracing.Span
	finishOnClose bool
	gid           int64
	prev          *brokenScope
	closed        bool // guarded by m.mu
}

func newBroken(b bug) *brokenManager {
	return &brokenManager{bug: b, top: map[int64]*brokenScope{}}
}

func (m *brokenManager) key() int64 {
	switch m.bug {
	case leaky:
		return 0
	case shardKey:
		return goid.Get() % 64
	}
	return goid.Get()
}

func (m *brokenManager) lock() {
	if m.bug != unsynced {
		m.mu.Lock()
	}
}

func (m *brokenManager) unlock() {
	if m.bug != unsynced {
		m.mu.Unlock()
	}
}

func (m *brokenManager) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	m.lock()
	defer m.unlock()
	k := m.key()
	s := &brokenScope{m: m, span: span, finishOnClose: finishOnClose, gid: k, prev: m.top[k]}
	m.top[k] = s
	return s
}

func (m *brokenManager) Active() opentracing.Scope {
	m.lock()
	defer m.unlock()
	if s := m.top[m.key()]; s != nil {
		return s
	}
	return nil
}

func (s *brokenScope) Span() opentracing.Span            { return s.span }
func (s *brokenScope) Manager() opentracing.ScopeManager { return s.m }

func (s *brokenScope) Close() {
	m := s.m
	m.lock()
	var misuse opentracing.MisuseKind
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case m.key() != s.gid:
		misuse = opentracing.MisuseCloseFromOtherTask
	case m.top[s.gid] != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	default:
		s.closed = true
		switch {
		case m.bug == noRestore, m.bug == nilNoRestore && s.span == nil && s.prev != nil:
			m.top[s.gid] = nil
		case m.bug == restoreCopy && s.prev != nil:
			cp := *s.prev
			m.top[s.gid] = &cp
		case s.prev == nil:
			delete(m.top, s.gid)
		default:
			m.top[s.gid] = s.prev
		}
	}
	m.unlock()
	if misuse == opentracing.MisuseCloseTwice && m.bug == panics {
		panic("closed twice")
	}
	if misuse != 0 {
		if s.span != nil {
			opentracing.ReportMisuse(s.span, opentracing.Misuse{Kind: misuse})
		}
		return
	}
	if s.finishOnClose && (s.span != nil || m.bug == finishNil) {
		s.span.Finish()
		if m.bug == finishTwice {
			s.span.Finish()
		}
	}
}

// fakeT records what the harness reports. FailNow ends the goroutine, as
// testing.T's does, so the harness runs on a goroutine of its own.
type fakeT struct {
	mu     sync.Mutex
	logs   []string // guarded by mu
	errors []string // guarded by mu
	failed bool     // guarded by mu
}

func (f *fakeT) Helper()      {}
func (f *fakeT) Name() string { return "TestFake" }
func (f *fakeT) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Log(args ...any)                  { f.Logf("%s", fmt.Sprint(args...)) }
func (f *fakeT) Skipf(format string, args ...any) { f.Logf(format, args...); runtime.Goexit() }
func (f *fakeT) Skip(args ...any)                 { f.Log(args...); runtime.Goexit() }
func (f *fakeT) SkipNow()                         { runtime.Goexit() }
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
	f.failed = true
	// What rapid logs after this error is the shrunk failing sequence.
	f.logs = nil
}
func (f *fakeT) Error(args ...any)                 { f.Errorf("%s", fmt.Sprint(args...)) }
func (f *fakeT) Fatalf(format string, args ...any) { f.Errorf(format, args...); runtime.Goexit() }
func (f *fakeT) Fatal(args ...any)                 { f.Error(args...); runtime.Goexit() }
func (f *fakeT) FailNow()                          { f.Fail(); runtime.Goexit() }
func (f *fakeT) Fail() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
}
func (f *fakeT) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// run runs the harness on a fresh fakeT and returns it. rapid writes a
// fail file under ./testdata and replays the fail files it finds there for
// the test's name: each run gets an empty directory of its own.
func run(t *testing.T, newManager func() opentracing.ScopeManager, opts ...scopetest.Option) *fakeT {
	return runEnv(t, func(scopetest.Env) opentracing.ScopeManager { return newManager() }, opts...)
}

// runEnv is run for constructors that need the Env.
func runEnv(t *testing.T, newManager func(scopetest.Env) opentracing.ScopeManager, opts ...scopetest.Option) *fakeT {
	t.Chdir(t.TempDir())
	ft := &fakeT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		scopetest.Run(ft, newManager, opts...)
	}()
	<-done
	return ft
}

var stepLine = regexp.MustCompile(`^step \d+: `)

// steps returns the step lines of the shrunk sequence rapid printed.
func (f *fakeT) steps() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var steps []string
	for _, l := range f.logs {
		if stepLine.MatchString(l) {
			steps = append(steps, l)
		}
	}
	return steps
}

// maxShrunkSteps bounds the length of the shrunk sequence: each bug shows
// in two or three steps.
const maxShrunkSteps = 6

func TestRun_BrokenManagers(t *testing.T) {
	// wantError is what the random sequences alone report (no crowd), and
	// wantCrowd what the crowd that opens every Run reports, when it is
	// the one that sees the bug.
	tests := []struct {
		name      string
		give      bug
		wantError string
		wantCrowd string
	}{
		{name: "no restore", give: noRestore, wantError: "Active() = nil, want scope"},
		{
			name: "leaks across goroutines", give: leaky, wantError: "Active() = scope",
			wantCrowd: "crowd of 128 tasks: while every task had a scope of its own open, a task saw another scope",
		},
		{name: "finishes twice", give: finishTwice, wantError: "finished 2 times, want 1"},
		{name: "panics", give: panics, wantError: "closed twice"},
		{name: "finishes a nil span", give: finishNil, wantError: "nil pointer dereference"},
		{name: "nil span's scope restores nothing", give: nilNoRestore, wantError: "Active() = nil, want scope"},
		// Two scopes of one span tell apart in the message.
		{name: "restores a copy", give: restoreCopy, wantError: "that no Activate returned (a *scopetest_test.brokenScope), want scope"},
		// A few tasks rarely share a key, so only the crowd sees it, on its
		// first crowd, every run: outside rapid, never a "flaky test".
		{
			name: "keyed on a non-unique id", give: shardKey,
			wantCrowd: "crowd of 128 tasks: while every task had a scope of its own open, a task saw another scope",
		},
	}
	for _, platform := range []scopetest.TaskKind{scopetest.Goroutines, scopetest.SimTasks} {
		for _, tt := range tests {
			t.Run(platform.String()+"/"+tt.name, func(t *testing.T) {
				newManager := func() opentracing.ScopeManager { return newBroken(tt.give) }
				opts := []scopetest.Option{scopetest.Platform(platform), scopetest.SkipExamples(), scopetest.Checks(100)}
				if tt.wantCrowd != "" {
					ft := run(t, newManager, opts...)
					require.True(t, ft.Failed(), "the crowd passed a manager with bug %q", tt.name)
					assert.Contains(t, strings.Join(ft.errors, "\n"), tt.wantCrowd)
					assert.Contains(t, strings.Join(ft.errors, "\n"), "crowd 1 of 2")
				}
				if tt.wantError == "" {
					return
				}
				ft := run(t, newManager, append(opts, scopetest.Crowd(0))...)
				require.True(t, ft.Failed(), "the harness passed a manager with bug %q", tt.name)
				assert.Contains(t, strings.Join(ft.errors, "\n"), tt.wantError)
				steps := ft.steps()
				assert.NotEmpty(t, steps, "no shrunk sequence printed; errors: %v", ft.errors)
				assert.LessOrEqual(t, len(steps), maxShrunkSteps, "shrunk sequence too long:\n%s", strings.Join(steps, "\n"))
				t.Logf("errors:\n%s\nshrunk sequence:\n%s", strings.Join(ft.errors, "\n"), strings.Join(steps, "\n"))
			})
		}
	}
}

func TestRun_BrokenManagersFailExamples(t *testing.T) {
	tests := []struct {
		name string
		give bug
	}{
		{name: "no restore", give: noRestore},
		{name: "leaks across goroutines", give: leaky},
		{name: "finishes twice", give: finishTwice},
		{name: "panics", give: panics},
		{name: "finishes a nil span", give: finishNil},
		{name: "nil span's scope restores nothing", give: nilNoRestore},
		{name: "restores a copy", give: restoreCopy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := run(t, func() opentracing.ScopeManager { return newBroken(tt.give) }, scopetest.Checks(1))
			require.True(t, ft.Failed())
			assert.Contains(t, strings.Join(ft.errors, "\n"), "scope_check ")
		})
	}
}

func TestRun_CorrectManagerPasses(t *testing.T) {
	ft := run(t, func() opentracing.ScopeManager { return newBroken(noBug) }, scopetest.Checks(200))
	assert.False(t, ft.Failed(), "errors: %v", ft.errors)
}

// ctxBug is a way to break a Tornado-style (Shared) manager that opens
// fresh contexts.
type ctxBug int

const (
	noCtxBug      ctxBug = iota
	runLeaks             // Run runs f in the current context: contexts leak into each other
	closeAnyWhere        // Close from a task of another context acts as the owner's would
)

// brokenStackContext is scope.StackContext, written again with one
// deliberate bug (or none, to show the harness passes it). Its tasks are
// the tasks of a sim.Run.
type brokenStackContext struct {
	bug  ctxBug
	s    *sim.Sim
	ctx  *sim.Local[*brokenCtx] // inheritable: children share the pointer
	root brokenCtx
}

type brokenCtx struct{ top *brokenCtxScope }

type brokenCtxScope struct {
	m             *brokenStackContext
	span          opentracing.Span
	finishOnClose bool
	ctx           *brokenCtx
	prev          *brokenCtxScope
	closed        bool
}

var _ scopetest.ContextRunner = (*brokenStackContext)(nil)

func newBrokenStackContext(b ctxBug, s *sim.Sim) *brokenStackContext {
	return &brokenStackContext{bug: b, s: s, ctx: sim.NewLocal[*brokenCtx](true)}
}

func (m *brokenStackContext) Run(f func()) {
	if m.bug == runLeaks {
		f()
		return
	}
	prev, had := m.ctx.Lookup(m.s)
	m.ctx.Set(m.s, &brokenCtx{})
	defer func() {
		if had {
			m.ctx.Set(m.s, prev)
		} else {
			m.ctx.Delete(m.s)
		}
	}()
	f()
}

func (m *brokenStackContext) current() *brokenCtx {
	if c := m.ctx.Get(m.s); c != nil {
		return c
	}
	return &m.root
}

func (m *brokenStackContext) Activate(span opentracing.Span, finishOnClose bool) opentracing.Scope {
	c := m.current()
	sc := &brokenCtxScope{m: m, span: span, finishOnClose: finishOnClose, ctx: c, prev: c.top}
	c.top = sc
	return sc
}

func (m *brokenStackContext) Active() opentracing.Scope {
	if sc := m.current().top; sc != nil {
		return sc
	}
	return nil
}

func (s *brokenCtxScope) Span() opentracing.Span            { return s.span }
func (s *brokenCtxScope) Manager() opentracing.ScopeManager { return s.m }

func (s *brokenCtxScope) Close() {
	var misuse opentracing.MisuseKind
	switch {
	case s.closed:
		misuse = opentracing.MisuseCloseTwice
	case s.m.current() != s.ctx && s.m.bug != closeAnyWhere:
		misuse = opentracing.MisuseCloseFromOtherTask
	case s.ctx.top != s:
		misuse = opentracing.MisuseCloseOutOfOrder
	}
	if misuse != 0 {
		opentracing.ReportMisuse(s.span, opentracing.Misuse{Kind: misuse})
		return
	}
	s.closed = true
	s.ctx.top = s.prev
	if s.finishOnClose && s.span != nil {
		s.span.Finish()
	}
}

// TestRun_BrokenStackContexts: the state machine alone, through its fresh
// contexts, catches a Shared manager whose contexts are not isolated. The
// scope_check examples open no fresh context, so they pass these managers.
func TestRun_BrokenStackContexts(t *testing.T) {
	tests := []struct {
		name      string
		give      ctxBug
		giveTasks int // MaxTasks
		wantError string
	}{
		{name: "Run opens no fresh context", give: runLeaks, giveTasks: 4, wantError: `Active\(\) = scope`},
		// The scope closed from another context vanishes from its own (or,
		// not on top there, is reported out of order). Two tasks keep the
		// shrinking quick: rapid stops shrinking after 30 s.
		{
			name: "close from another context", give: closeAnyWhere, giveTasks: 2,
			wantError: `Active\(\) = nil, want scope|misuse reported .*, want .*close_from_other_task`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newManager := func(e scopetest.Env) opentracing.ScopeManager { return newBrokenStackContext(tt.give, e.Sim()) }
			opts := []scopetest.Option{
				scopetest.Propagation(scopetest.Shared), scopetest.Platform(scopetest.SimTasks), scopetest.MaxTasks(tt.giveTasks),
			}

			// The random sequences alone (no crowd) see it and shrink it.
			ft := runEnv(t, newManager, append(opts, scopetest.SkipExamples(), scopetest.Crowd(0), scopetest.Checks(100))...)
			require.True(t, ft.Failed(), "the harness passed a manager with bug %q", tt.name)
			assert.Regexp(t, tt.wantError, strings.Join(ft.errors, "\n"))
			steps := ft.steps()
			assert.NotEmpty(t, steps, "no shrunk sequence printed; errors: %v", ft.errors)
			assert.LessOrEqual(t, len(steps), maxShrunkSteps, "shrunk sequence too long:\n%s", strings.Join(steps, "\n"))
			assert.Contains(t, strings.Join(steps, "\n"), "in fresh context", "the shrunk sequence opens no fresh context")
			t.Logf("errors:\n%s\nshrunk sequence:\n%s", strings.Join(ft.errors, "\n"), strings.Join(steps, "\n"))

			// Without fresh contexts the harness is as blind as before.
			ft = runEnv(t, newManager, append(opts, scopetest.FreshContexts(false), scopetest.Checks(100))...)
			assert.False(t, ft.Failed(), "FreshContexts(false) failed the manager: %v", ft.errors)
		})
	}
}

func TestRun_CorrectStackContextPasses(t *testing.T) {
	ft := runEnv(t, func(e scopetest.Env) opentracing.ScopeManager { return newBrokenStackContext(noCtxBug, e.Sim()) },
		scopetest.Propagation(scopetest.Shared), scopetest.Platform(scopetest.SimTasks), scopetest.Checks(200))
	assert.False(t, ft.Failed(), "errors: %v", ft.errors)
}
