package nestedcallbacks_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/testbed/check"
)

// scheduleSeeds is how many seeds each scheduling test runs per strategy.
func scheduleSeeds() int {
	if testing.Short() {
		return 20
	}
	return 150
}

// span starts an active span for name (its implicit parent is the active
// span, the original's child_of=tracer.active_span) and closes it at once.
func span(tr opentracing.Tracer, name string, opts ...opentracing.StartSpanOption) {
	tr.StartActiveSpan(name, opts...).Close()
}

// TestScheduleInLoop ports opentracing-python's
// TestAsyncioContextVarsScheduleInLoop: tasks and callbacks scheduled on an
// event loop, under the contextvars-style manager (scope.Inheriting), copy
// the active scope at the moment they are scheduled.
//
// want lists the spans in finish order, in groups: the spans of one group
// finish at the same virtual instant, woken by timers that fire together.
// asyncio runs simultaneous timers in the order they were set; sim makes
// that order a decision of the strategy, so within a group any order is
// right, and the test also checks that the seeds do produce more than one
// order there (and exactly one order where there is no tie).
func TestScheduleInLoop(t *testing.T) {
	const delay = 100 * time.Millisecond
	tests := []struct {
		name string
		run  func(a *asyncio)
		want [][]string
		// parents maps each span to its parent's name ("" for no parent).
		parents map[string]string
	}{
		{
			name: "callbacks",
			run: func(a *asyncio) {
				cb := func(name string) func() { return func() { span(a.tr, name) } }
				withNested := func(name string) func() {
					return func() {
						sc := a.tr.StartActiveSpan(name)
						a.callSoon(cb("childof:" + name))
						sc.Close()
					}
				}
				sc := a.tr.StartActiveSpan("root")
				a.callSoon(withNested("first"))
				a.callSoon(cb("second"))
				sc.Close()
				a.awaitUntil(a.finished(4))
			},
			want:    [][]string{{"root"}, {"first"}, {"second"}, {"childof:first"}},
			parents: map[string]string{"root": "", "first": "root", "second": "root", "childof:first": "first"},
		},
		{
			name: "coroutines schedule callbacks",
			run: func(a *asyncio) {
				coro := func(name string) func(*task) {
					return func(*task) {
						sc := a.tr.StartActiveSpan(name)
						a.callLater(delay, func() { span(a.tr, "childof:"+name) })
						sc.Close()
					}
				}
				sc := a.tr.StartActiveSpan("root")
				a.createTask("task1", coro("task1"))
				a.createTask("task2", coro("task2"))
				sc.Close()
				a.awaitUntil(a.finished(5))
			},
			want: [][]string{{"root"}, {"task1"}, {"task2"}, {"childof:task1", "childof:task2"}},
			parents: map[string]string{"root": "", "task1": "root", "task2": "root",
				"childof:task1": "task1", "childof:task2": "task2"},
		},
		{
			name: "coroutines scheduling task",
			run: func(a *asyncio) {
				coro := func(name string) func(*task) {
					return func(*task) {
						sc := a.tr.StartActiveSpan(name)
						a.createTask("childof:"+name, func(t *task) {
							t.sleep(delay)
							span(a.tr, "childof:"+name)
						})
						sc.Close()
					}
				}
				sc := a.tr.StartActiveSpan("root")
				a.createTask("task1", coro("task1"))
				a.createTask("task2", coro("task2"))
				sc.Close()
				a.awaitUntil(a.finished(5))
			},
			want: [][]string{{"root"}, {"task1"}, {"task2"}, {"childof:task1", "childof:task2"}},
			parents: map[string]string{"root": "", "task1": "root", "task2": "root",
				"childof:task1": "task1", "childof:task2": "task2"},
		},
		{
			// Each span's parent has finished by the time the child starts:
			// the copied context still makes it the parent. The original
			// checks the first 4 of these 5 spans; the run goes on to the
			// end here, so all 5 are checked.
			name: "recursive scheduling",
			run: func(a *asyncio) {
				var coro func(n int) func(*task)
				coro = func(n int) func(*task) {
					return func(t *task) {
						t.sleep(delay)
						sc := a.tr.StartActiveSpan(strconv.Itoa(n))
						if n < 4 {
							a.createTask(strconv.Itoa(n+1), coro(n+1))
						}
						sc.Close()
					}
				}
				a.createTask("0", coro(0))
				a.awaitUntil(a.finished(5))
			},
			want:    [][]string{{"0"}, {"1"}, {"2"}, {"3"}, {"4"}},
			parents: map[string]string{"0": "", "1": "0", "2": "1", "3": "2", "4": "3"},
		},
		{
			name: "recursive scheduling ignoring the active span",
			run: func(a *asyncio) {
				var coro func(n int) func(*task)
				coro = func(n int) func(*task) {
					return func(t *task) {
						t.sleep(delay)
						var opts []opentracing.StartSpanOption
						switch {
						case n >= 4:
							return
						case n >= 2:
							opts = append(opts, opentracing.IgnoreActiveSpan())
						}
						sc := a.tr.StartActiveSpan(strconv.Itoa(n), opts...)
						a.createTask(strconv.Itoa(n+1), coro(n+1))
						sc.Close()
					}
				}
				a.createTask("0", coro(0))
				a.awaitUntil(a.finished(4))
			},
			want:    [][]string{{"0"}, {"1"}, {"2"}, {"3"}},
			parents: map[string]string{"0": "", "1": "0", "2": "", "3": ""},
		},
		{
			name: "tasks with no parent scope",
			run: func(a *asyncio) {
				coro := func(name string) func(*task) {
					return func(t *task) {
						t.sleep(delay)
						sc := a.tr.StartActiveSpan(name)
						t.sleep(delay)
						sc.Close()
					}
				}
				sc := a.tr.StartActiveSpan("root")
				a.createTask("tasks", func(*task) {
					a.createTask("task_1", coro("task_1"))
					noParentScope(a.tr, func() { a.createTask("task_2", coro("task_2")) })
					a.createTask("task_3", coro("task_3"))
				})
				sc.Close()
				a.awaitUntil(a.finished(4))
			},
			want:    [][]string{{"root"}, {"task_1", "task_2", "task_3"}},
			parents: map[string]string{"root": "", "task_1": "root", "task_2": "", "task_3": "root"},
		},
		{
			name: "callbacks with no parent scope",
			run: func(a *asyncio) {
				cb := func(name string) func() { return func() { span(a.tr, name) } }
				sc := a.tr.StartActiveSpan("root")
				a.callSoon(func() {
					a.callSoon(cb("task_1"))
					noParentScope(a.tr, func() { a.callSoon(cb("task_2")) })
					a.callSoon(cb("task_3"))
				})
				sc.Close()
				a.awaitUntil(a.finished(4))
			},
			want:    [][]string{{"root"}, {"task_1"}, {"task_2"}, {"task_3"}},
			parents: map[string]string{"root": "", "task_1": "root", "task_2": "", "task_3": "root"},
		},
		{
			// An awaited coroutine runs in its caller's task and context:
			// a plain call.
			name: "await with no parent scope",
			run: func(a *asyncio) {
				coro := func(name string) { span(a.tr, name) }
				sc := a.tr.StartActiveSpan("root")
				a.createTask("main", func(*task) {
					coro("coro_1")
					noParentScope(a.tr, func() { coro("coro_2") })
					coro("coro_3")
				})
				sc.Close()
				a.awaitUntil(a.finished(4))
			},
			want:    [][]string{{"root"}, {"coro_1"}, {"coro_2"}, {"coro_3"}},
			parents: map[string]string{"root": "", "coro_1": "root", "coro_2": "", "coro_3": "root"},
		},
	}
	strategies := []struct {
		name string
		make func(seed uint64) sim.Strategy
	}{
		{"random", sim.Random},
		{"pct", func(seed uint64) sim.Strategy { return sim.PCT(seed, 3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orders := make(map[string]bool)
			for _, st := range strategies {
				for seed := uint64(0); seed < uint64(scheduleSeeds()); seed++ {
					var (
						tr     *mocktracer.MockTracer
						active opentracing.Span
					)
					_, err := sim.Run(func(s *sim.Sim) {
						a := newAsyncio(s)
						tr = a.tr
						tt.run(a)
						active = tr.ActiveSpan()
					}, sim.WithStrategy(st.make(seed)))
					require.NoError(t, err, "%s seed %d", st.name, seed)
					spans := tr.FinishedRecords()
					orders[strings.Join(check.Names(spans), " ")] = true
					require.NoError(t, checkSchedule(spans, tt.want, tt.parents), "%s seed %d:\n%s", st.name, seed, check.Tree(spans))
					require.NoError(t, check.NoMisuse(tr), "%s seed %d", st.name, seed)
					require.NoError(t, check.AllFinishedOnce(tr), "%s seed %d", st.name, seed)
					require.Nil(t, active, "%s seed %d: a span is still active on the root task", st.name, seed)
				}
			}
			tie := false
			for _, g := range tt.want {
				tie = tie || len(g) > 1
			}
			if tie {
				assert.Greater(t, len(orders), 1, "simultaneous spans always finished in one order: %v", orders)
			} else {
				assert.Len(t, orders, 1, "the finish order depends on the schedule: %v", orders)
			}
		})
	}
}

// checkSchedule checks that spans finished in the order of want, each group
// in any order; that every span is empty (no tags, no logs); and the parent
// links.
func checkSchedule(spans []*mocktracer.SpanRecord, want [][]string, parents map[string]string) error {
	n := 0
	for _, g := range want {
		n += len(g)
	}
	if err := check.Count(spans, n); err != nil {
		return err
	}
	byName := make(map[string]*mocktracer.SpanRecord, n)
	i := 0
	for _, g := range want {
		got := check.Names(spans[i : i+len(g)])
		if !sameSet(got, g) {
			return check.NamesInOrder(spans, flatten(want)...)
		}
		for _, s := range spans[i : i+len(g)] {
			byName[s.Operation] = s
			if err := check.EmptySpan(s, s.Operation); err != nil {
				return err
			}
		}
		i += len(g)
	}
	for child, parent := range parents {
		var err error
		if parent == "" {
			err = check.NoParent(byName[child])
		} else {
			err = check.ChildOf(byName[child], byName[parent])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[string]int, len(a))
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
		if seen[s] < 0 {
			return false
		}
	}
	return true
}

func flatten(groups [][]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
