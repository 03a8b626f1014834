package promisepropagation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// The values the scenario resolves its promises with.
const (
	SuccessValue = "success!"
	ErrorMessage = "some error"
)

// CallbackWork is how long each callback works once called (virtual under
// sim, scaled down on real goroutines).
const CallbackWork = 10 * time.Millisecond

// current is the span a callback sees as current: the one in its context on
// the ctx platform, the active span elsewhere.
func current(e env.Env, ctx context.Context) opentracing.Span {
	if e.Platform().Propagation == env.Context {
		return opentracing.SpanFromContext(ctx)
	}
	return e.Tracer().ActiveSpan()
}

// results collects what the callbacks received; each callback writes its
// own field, and Run reads them after PhaseResult.
type results struct {
	success [2]string
	err     error
	// problems are the callbacks' own failures (no current span).
	problems [3]error
}

// run is Java's testPromiseCallback. shared is set by the sharedcontext
// broken variant.
func run(e env.Env, shared bool) error {
	tr := e.Tracer()
	pc := NewPromiseContext(e)
	// gate opens once "promises" is finished: every callback outlives its
	// parent, the case FOLLOWS_FROM exists for, on every schedule.
	gate := env.NewFuture[struct{}](e)
	var res results

	var runErr error
	e.StackContext(func() {
		ctx := context.Background()
		var finish func()
		tag := opentracing.Tag{Key: string(ext.Component), Value: "example-promises"}
		if e.Platform().Propagation == env.Context {
			sp := tr.StartSpan("promises", tag)
			ctx, finish = opentracing.ContextWithSpan(ctx, sp), sp.Finish
		} else {
			finish = tr.StartActiveSpan("promises", tag).Close
		}

		ok, err1 := NewPromise[string](ctx, pc, tr)
		bad, err2 := NewPromise[string](ctx, pc, tr)
		if err := errors.Join(err1, err2); err != nil {
			finish()
			runErr = err
			return
		}
		ok.sharedContext, bad.sharedContext = shared, shared
		for i := range res.success {
			ok.OnSuccess(func(ctx context.Context, v string) {
				gate.Get()
				e.Sleep(CallbackWork)
				sp := current(e, ctx)
				if sp == nil {
					res.problems[i] = fmt.Errorf("success callback %d: no current span", i+1)
					return
				}
				e.Logf("success callback %d logs on the current span", i+1)
				sp.LogKV("event", fmt.Sprintf("Promised %d %s", i+1, v))
				res.success[i] = v
			})
		}
		bad.OnError(func(ctx context.Context, err error) {
			gate.Get()
			e.Sleep(CallbackWork)
			sp := current(e, ctx)
			if sp == nil {
				res.problems[2] = errors.New("error callback: no current span")
				return
			}
			e.Logf("error callback logs on the current span")
			ext.LogError(sp, err)
			res.err = err
		})

		if n := len(e.Recorder().FinishedRecords()); n != 0 {
			runErr = fmt.Errorf("%d spans finished before the promises were resolved, want 0", n)
		}
		ok.Success(SuccessValue)
		bad.Error(errors.New(ErrorMessage))
		e.Logf("both promises settled: finish their span before the callbacks run")
		finish() // before the callbacks are done: FOLLOWS_FROM
	})
	gate.Resolve(struct{}{})
	if runErr != nil {
		// The callbacks registered (if any) are running; let them end.
		pc.Phaser.Await(PhaseReported)
		return runErr
	}

	pc.Phaser.Await(PhaseResult)
	errs := res.problems[:]
	for i, v := range res.success {
		if v != SuccessValue {
			errs = append(errs, fmt.Errorf("success callback %d got %q, want %q", i+1, v, SuccessValue))
		}
	}
	if res.err == nil || res.err.Error() != ErrorMessage {
		errs = append(errs, fmt.Errorf("error callback got %v, want %q", res.err, ErrorMessage))
	}
	pc.Phaser.Await(PhaseReported)
	return errors.Join(errs...)
}

// events returns the "event" fields logged on s.
func events(s *mocktracer.SpanRecord) []string {
	var out []string
	for _, r := range s.Logs {
		for _, f := range r.Fields {
			if f.Key == "event" {
				out = append(out, f.ValueString)
			}
		}
	}
	return out
}

func followsFrom(child, parent *mocktracer.SpanRecord) error {
	refs := child.References
	if len(refs) != 1 || refs[0].Type != opentracing.FollowsFromRef {
		return fmt.Errorf("%w: %v has references %v, want one FOLLOWS_FROM %v", check.ErrCheck, child, refs, parent)
	}
	return check.ChildOf(child, parent) // the parent id and the trace
}

func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.Count(spans, 4); err != nil {
		return err
	}
	promises, err := check.OneByTag(spans, string(ext.Component), "example-promises")
	if err != nil {
		return err
	}
	succ := check.ByTag(spans, string(ext.Component), "success")
	fail, err := check.OneByTag(spans, string(ext.Component), "error")
	if err != nil {
		return err
	}
	if len(succ) != 2 {
		return fmt.Errorf("%w: %d spans with component=success, want 2", check.ErrCheck, len(succ))
	}
	errs := []error{
		check.NoParent(promises),
		followsFrom(succ[0], promises), followsFrom(succ[1], promises), followsFrom(fail, promises),
	}
	if spans[0] != promises {
		errs = append(errs, fmt.Errorf("%w: %v finished before \"promises\"; the parent must finish first", check.ErrCheck, spans[0]))
	}
	// Each callback logged on the span active in its own task.
	var got []string
	for _, s := range succ {
		ev := events(s)
		if len(ev) != 1 {
			errs = append(errs, fmt.Errorf("%w: %v has events %q, want exactly one (its own callback's)", check.ErrCheck, s, ev))
		}
		got = append(got, ev...)
	}
	slices.Sort(got)
	if want := []string{"Promised 1 " + SuccessValue, "Promised 2 " + SuccessValue}; !slices.Equal(got, want) {
		errs = append(errs, fmt.Errorf("%w: success spans' events %q, want %q", check.ErrCheck, got, want))
	}
	if ev := events(fail); !slices.Equal(ev, []string{"error"}) {
		errs = append(errs, fmt.Errorf("%w: %v has events %q, want [error]", check.ErrCheck, fail, ev))
	}
	return errors.Join(errs...)
}

// Scenario is the promise-propagation scenario, registered in package
// testbed.
var Scenario = env.Scenario{
	Name:      "promisepropagation",
	Summary:   "promise callbacks in spans that FOLLOW_FROM a parent finished before them; each logs on its own active span",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, false) },
	Check:     checkSpans,
	Broken: []env.Broken{{
		Name:     "leaky",
		Summary:  "a scope manager shared by all tasks: a callback that waited may find another callback's span active and log on it",
		Platform: env.Tasks,
		Manager:  env.Leaky,
		Run:      func(e env.Env) error { return run(e, false) },
	}, {
		Name:     "sharedcontext",
		Summary:  "on stackcontext the callbacks forget to take a context of their own: concurrent callbacks share one stack of scopes (Tornado's multiple-yield limitation), log on each other's spans and close out of order",
		Platform: env.StackContext,
		Run:      func(e env.Env) error { return run(e, true) },
	}},
}
