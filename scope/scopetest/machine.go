package scopetest

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/opentracing"
)

// machine is one random sequence: the tasks and spans the harness made, and
// the model of what the manager must show.
type machine struct {
	c      *config
	r      runner
	tr     *tracer
	tasks  []*taskModel
	cur    *taskModel
	ctxs   int // fresh contexts opened
	spans  []*spanRec
	scopes []*scopeRec
	want   []opentracing.MisuseKind // misuse the model expects, in order
	step   int
}

// spanRec is a span and the number of Finish calls the model expects; a
// nil *spanRec is the nil span.
type spanRec struct {
	s        *span
	finishes int
}

// scopeRec is one activation.
type scopeRec struct {
	id            int
	scope         opentracing.Scope
	span          *spanRec
	finishOnClose bool
	owner         *taskModel
	stack         *stackModel // the stack it was pushed on
	closed        bool
}

// String names the activation, so that two scopes of one span tell apart.
func (r *scopeRec) String() string {
	if r == nil {
		return "nil"
	}
	closed := ""
	if r.closed {
		closed = ", closed"
	}
	return fmt.Sprintf("scope %d (%v%s)", r.id, r.span, closed)
}

// String names the span: "span 3", or "nil span".
func (r *spanRec) String() string {
	if r == nil {
		return "nil span"
	}
	return r.s.String()
}

// Span returns the span as the manager was given it.
func (r *spanRec) Span() opentracing.Span {
	if r == nil {
		return nil
	}
	return r.s
}

// parentID is the id a span started under this one has as its parent: 0
// for the nil span, which hides the span active before it.
func (r *spanRec) parentID() int {
	if r == nil {
		return 0
	}
	return r.s.id
}

// stackModel is a stack of open scopes: one per task under None and Copy,
// one per context under Shared (the first task's, and one more for each
// task spawned in a fresh context).
type stackModel struct {
	id   int // under Shared: the context's number, 0 for the first
	open []*scopeRec
}

func (s *stackModel) top() *scopeRec {
	if len(s.open) == 0 {
		return nil
	}
	return s.open[len(s.open)-1]
}

// taskModel is a task and what the model says is active in it.
type taskModel struct {
	id     int
	w      worker
	mgr    opentracing.ScopeManager
	stack  *stackModel
	base   *scopeRec   // under Copy: the scope inherited at spawn
	scopes []*scopeRec // the scopes this task activated
	// touched: the harness has called the manager in the task. A task just
	// spawned is not asked for its Active() until the machine acts in it,
	// so that its parent may act first: a child that copies its parent's
	// scope at its first call, not at spawn, shows then.
	touched bool
}

// in runs f, a call of the manager, in task.
func (m *machine) in(task *taskModel, f func()) {
	task.touched = true
	task.w.do(f)
}

// active is the scope the model says is active in the task.
func (t *taskModel) active() *scopeRec {
	if top := t.stack.top(); top != nil {
		return top
	}
	return t.base
}

func newMachine(rt failer, c *config, r runner, newManager func(Env) opentracing.ScopeManager) *machine {
	m := &machine{c: c, r: r}
	root := &taskModel{w: m.r.root(), stack: &stackModel{}}
	root.touched = true
	root.w.do(func() { root.mgr = newManager(m.r.env()) })
	if root.mgr == nil {
		rt.Fatalf("newManager returned nil")
	}
	m.tr = newTracer(root.mgr)
	m.tasks = []*taskModel{root}
	m.cur = root
	return m
}

func (m *machine) actions() map[string]func(*rapid.T) {
	a := map[string]func(*rapid.T){
		"activate":   m.activate,
		"close":      m.close,
		"startChild": m.startChild,
		"spawn":      m.spawn,
		"switch":     m.switchTask,
		"finish":     m.finishSpan,
		"":           m.check,
	}
	if m.c.foreignClose {
		a["closeForeign"] = m.closeForeign
	}
	if m.c.rule == Shared && m.c.fresh {
		if _, ok := m.tasks[0].mgr.(ContextRunner); ok {
			a["spawnFresh"] = m.spawnFresh
		}
	}
	return a
}

func (m *machine) logf(t failer, format string, args ...any) {
	m.step++
	t.Logf("step %d: task %d: "+format, append([]any{m.step, m.cur.id}, args...)...)
}

// newSpan starts a span in task and checks its implicit parent.
func (m *machine) newSpan(t *rapid.T, task *taskModel) *spanRec {
	wantParent := 0
	if a := task.active(); a != nil {
		wantParent = a.span.parentID()
	}
	m.logf(t, "start span %d (the model's parent: %d)", len(m.spans)+1, wantParent)
	var s *span
	m.in(task, func() { s = m.tr.start(fmt.Sprintf("op%d", len(m.spans)+1), task.mgr) })
	rec := &spanRec{s: s}
	m.spans = append(m.spans, rec)
	if s.parent != wantParent {
		t.Fatalf("task %d: new span %d has implicit parent %d, want %d (the active span by the model)",
			task.id, s.id, s.parent, wantParent)
	}
	return rec
}

func (m *machine) startChild(t *rapid.T) {
	m.newSpan(t, m.cur)
}

func (m *machine) activate(t *rapid.T) {
	task := m.cur
	lo := 0
	if m.c.nilSpans {
		lo = -1 // the nil span
	}
	i := rapid.IntRange(lo, len(m.spans)).Draw(t, "span")
	finishOnClose := rapid.Bool().Draw(t, "finishOnClose")
	var sp *spanRec
	switch {
	case i == len(m.spans):
		sp = m.newSpan(t, task)
	case i >= 0:
		sp = m.spans[i]
	}
	rec := &scopeRec{
		id: len(m.scopes) + 1, span: sp, finishOnClose: finishOnClose,
		owner: task, stack: task.stack,
	}
	m.logf(t, "activate(%v, finishOnClose=%v) = scope %d", sp, finishOnClose, rec.id)
	m.in(task, func() { rec.scope = task.mgr.Activate(sp.Span(), finishOnClose) })
	if rec.scope == nil {
		t.Fatalf("task %d: Activate(%v) returned nil", task.id, sp)
	}
	m.scopes = append(m.scopes, rec)
	task.scopes = append(task.scopes, rec)
	task.stack.open = append(task.stack.open, rec)
}

// close closes one of the current task's own scopes: the newest open one
// (proper use) or any, which may be closed already or not on top (misuse).
func (m *machine) close(t *rapid.T) {
	task := m.cur
	if len(task.scopes) == 0 {
		t.Skip("no scope to close")
	}
	i := rapid.IntRange(-1, len(task.scopes)-1).Draw(t, "scope")
	var rec *scopeRec
	if i < 0 {
		rec = task.scopes[len(task.scopes)-1]
		for _, s := range slices.Backward(task.scopes) {
			if !s.closed {
				rec = s
				break
			}
		}
	} else {
		rec = task.scopes[i]
	}
	m.closeFrom(t, task, rec)
}

// closeForeign closes, from the current task, a scope another task
// activated.
func (m *machine) closeForeign(t *rapid.T) {
	var others []*scopeRec
	for _, s := range m.scopes {
		if s.owner != m.cur {
			others = append(others, s)
		}
	}
	if len(others) == 0 {
		t.Skip("no scope of another task")
	}
	rec := rapid.SampledFrom(others).Draw(t, "foreignScope")
	m.closeFrom(t, m.cur, rec)
}

// closeFrom closes rec from task and updates the model. The checks come in
// this order: closed already, then the wrong task, then out of order.
func (m *machine) closeFrom(t *rapid.T, task *taskModel, rec *scopeRec) {
	var misuse opentracing.MisuseKind
	sameOwner := task == rec.owner
	if m.c.rule == Shared {
		sameOwner = task.stack == rec.stack
	}
	switch {
	case rec.closed:
		misuse = opentracing.MisuseCloseTwice
	case !sameOwner:
		misuse = opentracing.MisuseCloseFromOtherTask
	case rec.stack.top() != rec:
		misuse = opentracing.MisuseCloseOutOfOrder
	default:
		rec.stack.open = rec.stack.open[:len(rec.stack.open)-1]
		rec.closed = true
		if rec.finishOnClose && rec.span != nil {
			rec.span.finishes++
		}
	}
	if misuse != 0 {
		m.logf(t, "close scope %d of task %d: misuse %v, no effect", rec.id, rec.owner.id, misuse)
	} else {
		m.logf(t, "close scope %d of task %d: now active %v", rec.id, rec.owner.id, task.active())
	}
	// Misuse of a nil span's scope has no tracer to be reported to.
	if misuse != 0 && m.c.misuse && rec.span != nil {
		m.want = append(m.want, misuse)
	}
	m.in(task, rec.scope.Close)
}

func (m *machine) spawn(t *rapid.T) {
	if len(m.tasks) >= m.c.maxTasks {
		t.Skip("enough tasks")
	}
	parent := m.cur
	child := &taskModel{id: len(m.tasks), mgr: parent.mgr}
	switch m.c.rule {
	case Shared:
		child.stack = parent.stack
	case Copy:
		child.stack = &stackModel{}
		child.base = parent.active()
	default:
		child.stack = &stackModel{}
	}
	if m.c.rule == Shared {
		m.logf(t, "spawn task %d in context %d (starts with %v active)", child.id, child.stack.id, child.active())
	} else {
		m.logf(t, "spawn task %d (starts with %v active)", child.id, child.active())
	}
	if f := m.c.spawnManager; f != nil {
		m.in(parent, func() { child.mgr = f(parent.mgr) })
	}
	parent.touched = true
	child.w = m.r.spawn(parent.w, startHere)
	m.tasks = append(m.tasks, child)
}

// spawnFresh spawns, under Shared, a task in a fresh context: the parent
// starts it inside its manager's ContextRunner.Run. The child's stack is
// new and empty; the parent's is untouched.
func (m *machine) spawnFresh(t *rapid.T) {
	if len(m.tasks) >= m.c.maxTasks {
		t.Skip("enough tasks")
	}
	parent := m.cur
	cr, ok := parent.mgr.(ContextRunner)
	if !ok {
		t.Skip("the task's manager is no ContextRunner")
	}
	m.ctxs++
	child := &taskModel{id: len(m.tasks), mgr: parent.mgr, stack: &stackModel{id: m.ctxs}}
	m.logf(t, "spawn task %d in fresh context %d (starts with nil active)", child.id, child.stack.id)
	f := m.c.spawnManager
	parent.touched = true
	child.w = m.r.spawn(parent.w, func(start func()) {
		cr.Run(func() {
			if f != nil {
				child.mgr = f(parent.mgr)
			}
			start()
		})
	})
	m.tasks = append(m.tasks, child)
}

func (m *machine) switchTask(t *rapid.T) {
	if len(m.tasks) < 2 {
		t.Skip("one task")
	}
	next := rapid.SampledFrom(m.tasks).Draw(t, "task")
	m.logf(t, "switch to task %d", next.id)
	m.cur = next
}

func (m *machine) finishSpan(t *rapid.T) {
	var open []*spanRec
	for _, s := range m.spans {
		if s.finishes == 0 {
			open = append(open, s)
		}
	}
	if len(open) == 0 {
		t.Skip("no unfinished span")
	}
	sp := rapid.SampledFrom(open).Draw(t, "finishSpan")
	m.logf(t, "finish span %d", sp.s.id)
	sp.finishes++
	m.cur.w.do(sp.s.Finish)
}

// check compares the manager with the model: the active scope of every task,
// every span's finish count, the misuse reported.
func (m *machine) check(t *rapid.T) {
	got := make([]opentracing.Scope, len(m.tasks))
	var steps []step
	for i, task := range m.tasks {
		if task.touched || task == m.cur {
			task.touched = true
			steps = append(steps, step{task.w, func() { got[i] = task.mgr.Active() }})
		}
	}
	m.r.each(steps)
	for i, task := range m.tasks {
		if !task.touched {
			continue
		}
		want := task.active()
		if msg := m.compareActive(got[i], want); msg != "" {
			if m.c.rule == Shared {
				t.Fatalf("task %d (context %d): Active() %s (propagation %v)", task.id, task.stack.id, msg, m.c.rule)
			}
			t.Fatalf("task %d: Active() %s (propagation %v)", task.id, msg, m.c.rule)
		}
	}
	for _, sp := range m.spans {
		if got := int(sp.s.finishes.Load()); got != sp.finishes {
			t.Fatalf("span %d finished %d times, want %d", sp.s.id, got, sp.finishes)
		}
	}
	if m.c.misuse {
		if got := m.tr.misuseKinds(); !slices.Equal(got, m.want) {
			t.Fatalf("misuse reported %v, want %v", got, m.want)
		}
	}
}

// compareActive says how got differs from the scope the model expects, or
// returns "". It names scopes by activation, so that two scopes of one span
// tell apart.
func (m *machine) compareActive(got opentracing.Scope, want *scopeRec) string {
	switch {
	case want == nil && got == nil:
		return ""
	case want == nil:
		return fmt.Sprintf("= %s, want nil", m.describe(got))
	case got == nil:
		return fmt.Sprintf("= nil, want %v", want)
	case got != want.scope:
		return fmt.Sprintf("= %s, want %v", m.describe(got), want)
	case got.Span() != want.span.Span():
		return fmt.Sprintf("= %v with Span() = %v, want %v", want, got.Span(), want.span)
	default:
		return ""
	}
}

// describe names a scope the manager returned: the activation that
// returned it, or what it is if no activation did.
func (m *machine) describe(sc opentracing.Scope) string {
	for _, r := range m.scopes {
		if r.scope == sc {
			return r.String()
		}
	}
	return describeUnknown(sc)
}

// describeUnknown names a scope no Activate of the harness returned, by
// its span and its type (never its address, which differs between runs).
func describeUnknown(sc opentracing.Scope) string {
	return fmt.Sprintf("a scope of %v that no Activate returned (a %T)", spanString(sc.Span()), sc)
}

// spanString names a span the manager handed back.
func spanString(s opentracing.Span) string {
	if s == nil {
		return "the nil span"
	}
	if hs, ok := s.(*span); ok {
		return hs.String()
	}
	return fmt.Sprintf("a %T", s)
}

// finish closes every open scope, newest first, from its owner, checking
// the model after each Close.
func (m *machine) finish(t *rapid.T) {
	for _, task := range m.tasks {
		task.touched = true // every task is asked at the end
	}
	for _, task := range m.tasks {
		for task.stack.top() != nil {
			rec := task.stack.top()
			m.cur = rec.owner
			m.closeFrom(t, rec.owner, rec)
			m.check(t)
		}
	}
	m.check(t)
}
