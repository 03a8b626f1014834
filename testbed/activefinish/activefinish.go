package activefinish

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

const (
	// Delay is when the entry task schedules its actions. Java schedules
	// one action at 500 ms, or two at random times in 100..1099 ms; here
	// every action starts at Delay, so that under sim the actions' steps
	// happen at the same virtual instants and the strategy, not the clock,
	// decides their order.
	Delay = 500 * time.Millisecond
	// Work is how long an action keeps the span active before tagging it
	// and closing its scope (Java: 1 s, so that two actions overlap).
	Work = time.Second
	// TagPrefix starts the tag each action sets: test_tag_1, test_tag_2...
	TagPrefix = "test_tag_"
)

// Tag is the tag action n sets.
func Tag(n int) string { return TagPrefix + strconv.Itoa(n) }

// config is one way to run the pattern.
type config struct {
	actions int
	// bug is planted in the reference count (broken variants).
	bug bug
	// creatorFinishes: the entry task also finishes the span itself when it
	// ends, as if it owned it (broken variant).
	creatorFinishes bool
}

// runState is what the tasks of one run share.
type runState struct {
	e    env.Env
	tr   opentracing.Tracer
	span opentracing.Span
	wg   env.WaitGroup // the actions
	// overlap holds each action, after its work, until every action has
	// done its work: under sim, tasks woken by timers at one instant run one
	// after the other, so without it the actions would tag and close in
	// turn, never together. Java's one-second sleep is there to make the
	// actions overlap; this makes the overlap certain.
	overlap env.WaitGroup

	mu     sync.Locker // guards tagged and errs
	tagged []time.Time
	errs   []error
}

func (st *runState) record(err error) {
	st.mu.Lock()
	if err != nil {
		st.errs = append(st.errs, err)
	} else {
		st.tagged = append(st.tagged, st.e.Now())
	}
	st.mu.Unlock()
}

// run is the scenario: an entry task starts span "parent", activates it in
// an AutoFinishScope, schedules the actions (each captures a continuation
// on the entry task) and closes its scope, then ends. The span outlives
// the entry task: it finishes when the last action closes its
// continuation's scope.
func run(e env.Env, cfg config) error {
	tr := e.Tracer()
	st := &runState{e: e, tr: tr, span: tr.StartSpan("parent"), wg: e.NewWaitGroup(), overlap: e.NewWaitGroup(), mu: e.NewMutex()}
	st.wg.Add(cfg.actions)
	st.overlap.Add(cfg.actions)
	prop := e.Platform().Propagation
	e.Go("entry", func() {
		e.StackContext(func() {
			var sm opentracing.ScopeManager
			if prop != env.Context {
				sm = tr.ScopeManager()
			}
			sc := Activate(sm, st.span, e.NewMutex())
			sc.ref.bug, sc.ref.preempt, sc.ref.logf = cfg.bug, e.Yield, e.Logf
			e.Logf("entry: span parent active (refs=1)")
			ctx := opentracing.ContextWithSpan(context.Background(), st.span)
			for n := 1; n <= cfg.actions; n++ {
				cont := sc.Capture()
				e.Go("action"+strconv.Itoa(n), func() { st.action(ctx, n, cont) })
			}
			e.Logf("entry: close its scope and end")
			sc.Close()
			if cfg.creatorFinishes {
				st.span.Finish()
			}
		})
	})
	st.wg.Wait()
	return st.finishedLast()
}

// action is Java's RunnableAction: it waits until it is due, makes the
// span active again from its continuation, works, tags the span and closes
// the scope, dropping its reference.
func (st *runState) action(ctx context.Context, n int, cont *Continuation) {
	defer st.wg.Done()
	st.e.Sleep(Delay)
	switch st.e.Platform().Propagation {
	case env.Inherit:
		// The action started with a copy of the entry task's active
		// scope: nothing to activate, only the reference to drop.
		active := st.tr.ActiveSpan()
		if active != st.span {
			st.record(fmt.Errorf("action%d: the active span is %v, want the entry task's span", n, active))
			st.overlap.Done()
			cont.Close()
			return
		}
		st.work()
		st.e.Logf("action%d: the span is active (inherited): set %s", n, Tag(n))
		active.SetTag(Tag(n), true)
		st.record(nil)
		cont.Close()
	case env.Context:
		sp := opentracing.SpanFromContext(ctx)
		st.work()
		st.e.Logf("action%d: span from the context: set %s", n, Tag(n))
		sp.SetTag(Tag(n), true)
		st.record(nil)
		cont.Close()
	default:
		// Explicit: a new task starts with nothing active. Shared: a
		// fresh stack context of its own, so that two actions do not
		// push and pop one shared stack out of order.
		st.e.StackContext(func() {
			sc := cont.Activate()
			st.e.Logf("action%d: continuation activated", n)
			st.work()
			st.e.Logf("action%d: set %s, close the scope", n, Tag(n))
			sc.Span().SetTag(Tag(n), true)
			st.record(nil)
			sc.Close()
		})
	}
}

// work is an action's work: Work of virtual time, then the wait for the
// other actions' work.
func (st *runState) work() {
	st.e.Sleep(Work)
	st.overlap.Done()
	st.overlap.Wait()
}

// finishedLast checks, once every action has ended, that the span is
// finished and that it finished no earlier than the last tag was set.
func (st *runState) finishedLast() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	errs := st.errs
	rec, err := check.OneByName(st.e.Recorder().StartedRecords(), "parent")
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("activefinish: %w", err))
	case !rec.Finished():
		errs = append(errs, errors.New("activefinish: every action closed its scope and the span is still not finished"))
	default:
		for _, t := range st.tagged {
			if rec.Finish.Before(t) {
				errs = append(errs, fmt.Errorf("activefinish: the span finished at %v, before an action tagged it at %v", rec.Finish, t))
			}
		}
	}
	return errors.Join(errs...)
}

// checkSpans asserts one span "parent" carrying exactly one tag per action.
func checkSpans(actions int) func(e env.Env) error {
	return func(e env.Env) error {
		spans := e.Recorder().FinishedRecords()
		if err := check.Count(spans, 1); err != nil {
			return err
		}
		parent, err := check.OneByName(spans, "parent")
		if err != nil {
			return err
		}
		var errs []error
		if got := check.TagCount(parent, TagPrefix); got != actions || len(parent.Tags) != actions {
			errs = append(errs, fmt.Errorf("%w: span \"parent\" has tags %v, want exactly %d %s tags", check.ErrCheck, parent.Tags, actions, TagPrefix))
		}
		for n := 1; n <= actions; n++ {
			if parent.Tags[Tag(n)] != true {
				errs = append(errs, fmt.Errorf("%w: span \"parent\" has no tag %s", check.ErrCheck, Tag(n)))
			}
		}
		return errors.Join(errs...)
	}
}

// New returns the scenario with the given number of scheduled actions
// (Java's test_one_scheduled_action and test_two_scheduled_actions). The
// broken variants need two actions to race, so New(1) has none.
func New(actions int) env.Scenario {
	sc := env.Scenario{
		Name:      "activefinish",
		Summary:   "the span finishes when the last continuation of its scope closes, not when the creating task ends",
		Platforms: env.Platforms(),
		Run:       func(e env.Env) error { return run(e, config{actions: actions}) },
		Check:     checkSpans(actions),
	}
	if actions == 1 {
		sc.Name = "activefinish1"
		return sc
	}
	sc.Broken = []env.Broken{
		{
			Name: "nolock",
			Summary: "the reference count is decremented without the mutex (load, preemption, store): " +
				"two actions that close together lose a decrement and the span is never finished (depends on the interleaving)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, config{actions: actions, bug: bugNoLock}) },
		},
		{
			Name: "readafterunlock",
			Summary: "the decrement is locked but the zero test reads the count after the unlock: " +
				"two actions that close together both see zero and finish the span twice (depends on the interleaving)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, config{actions: actions, bug: bugReadAfterUnlock}) },
		},
		{
			Name: "creatorfinishes",
			Summary: "the entry task finishes the span itself when it ends, as if it owned it: " +
				"the actions tag a finished span and the last one finishes it again (fails on every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, config{actions: actions, creatorFinishes: true}) },
		},
	}
	return sc
}

// Scenario is the activate/deactivate scenario with two scheduled actions,
// registered in package testbed.
var Scenario = New(2)
