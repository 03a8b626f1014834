package promisepropagation_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/promisepropagation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPromisePropagation(t *testing.T) {
	env.Test(t, promisepropagation.Scenario, env.Config{})
}

func TestPromisePropagationBroken(t *testing.T) {
	env.TestBroken(t, promisepropagation.Scenario)
}

// noActive makes a promise with nothing active: Java dereferenced null
// later; NewPromise says so at once.
var noActive = env.Scenario{
	Name:      "promisepropagation-noactive",
	Platforms: []env.Platform{env.Goroutines, env.Tasks, env.Inheriting, env.Ctx},
	Run: func(e env.Env) error {
		p, err := promisepropagation.NewPromise[int](context.Background(), promisepropagation.NewPromiseContext(e), e.Tracer())
		if p != nil || !errors.Is(err, promisepropagation.ErrNoActiveSpan) {
			return fmt.Errorf("NewPromise with nothing active = %v, %v; want nil, ErrNoActiveSpan", p, err)
		}
		return nil
	},
}

func TestNewPromiseNoActiveSpan(t *testing.T) {
	for _, p := range noActive.Platforms {
		t.Run(p.Name, func(t *testing.T) {
			_, err := env.RunSim(noActive, p, env.Config{Seed: 1})
			require.NoError(t, err)
			if p.Real {
				_, err := env.RunReal(noActive, p, env.Config{})
				require.NoError(t, err)
			}
		})
	}
}

// TestNewPromiseCapturesAtConstruction: the parent is the span active when
// the promise is made, not the one active when it is resolved.
func TestNewPromiseCapturesAtConstruction(t *testing.T) {
	sc := env.Scenario{
		Name:      "promisepropagation-capture",
		Platforms: []env.Platform{env.Tasks},
		Run: func(e env.Env) error {
			tr := e.Tracer()
			pc := promisepropagation.NewPromiseContext(e)
			first := tr.StartActiveSpan("first")
			p, err := promisepropagation.NewPromise[int](context.Background(), pc, tr)
			if err != nil {
				return err
			}
			p.OnSuccess(func(context.Context, int) {})
			first.Close()
			second := tr.StartActiveSpan("second")
			p.Success(1)
			second.Close()
			pc.Phaser.Await(promisepropagation.PhaseReported)
			return nil
		},
	}
	out, err := env.RunSim(sc, env.Tasks, env.Config{Seed: 1})
	require.NoError(t, err)
	require.Equal(t, "first [trace 1 span 1] 0s..0s\n  success [trace 1 span 3 follows_from 1] 0s..0s component=success\nsecond [trace 2 span 2] 0s..0s\n", out.Tree())
}

// callbacks makes a promise inside "parent" with s success and f error
// callbacks (on a second promise), resolves both, and finishes the parent
// first. Each callback logs its own name on its current span.
func callbacks(s, f int, p env.Platform) env.Scenario {
	names := func(prefix string, n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("%s %d", prefix, i))
		}
		return out
	}
	return env.Scenario{
		Name:      fmt.Sprintf("promisepropagation-%d-%d", s, f),
		Platforms: []env.Platform{p},
		Run: func(e env.Env) error {
			tr := e.Tracer()
			pc := promisepropagation.NewPromiseContext(e)
			logOn := func(ctx context.Context, name string) {
				e.Yield()
				sp := opentracing.SpanFromContext(ctx) // the ctx platform's current span
				if e.Platform().Propagation != env.Context {
					sp = tr.ActiveSpan()
				}
				sp.LogKV("event", name)
			}
			var err error
			e.StackContext(func() {
				parent := tr.StartSpan("parent")
				defer parent.Finish()
				ctx := opentracing.ContextWithSpan(context.Background(), parent)
				var ok, bad *promisepropagation.Promise[int]
				ok, err = promisepropagation.NewPromise[int](ctx, pc, tr)
				if err != nil {
					return
				}
				bad, err = promisepropagation.NewPromise[int](ctx, pc, tr)
				if err != nil {
					return
				}
				for _, n := range names("ok", s) {
					ok.OnSuccess(func(ctx context.Context, _ int) { logOn(ctx, n) })
				}
				for _, n := range names("bad", f) {
					bad.OnError(func(ctx context.Context, _ error) { logOn(ctx, n) })
				}
				ok.Success(1)
				bad.Error(errors.New("no"))
			})
			pc.Phaser.Await(promisepropagation.PhaseReported)
			return err
		},
		Check: func(e env.Env) error {
			spans := e.Recorder().FinishedRecords()
			if err := check.Count(spans, 1+s+f); err != nil {
				return err
			}
			parent, err := check.OneByName(spans, "parent")
			if err != nil {
				return err
			}
			var errs []error
			for _, n := range append(names("ok", s), names("bad", f)...) {
				var mine []*mocktracer.SpanRecord
				for _, sp := range spans {
					for _, r := range sp.Logs {
						if len(r.Fields) == 1 && r.Fields[0].ValueString == n {
							mine = append(mine, sp)
						}
					}
				}
				if len(mine) != 1 {
					errs = append(errs, fmt.Errorf("%q logged on %d spans, want 1", n, len(mine)))
					continue
				}
				if len(mine[0].Logs) != 1 {
					errs = append(errs, fmt.Errorf("%v holds %d logs, want only its callback's", mine[0], len(mine[0].Logs)))
				}
				errs = append(errs, check.ChildOf(mine[0], parent))
			}
			return errors.Join(errs...)
		},
	}
}

// TestCallbacksProperty: whatever the number of callbacks, the platform and
// the schedule, each callback runs in a span of its own that follows from
// the captured parent, and its log lands there.
func TestCallbacksProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s := rapid.IntRange(0, 4).Draw(rt, "success callbacks")
		f := rapid.IntRange(0, 3).Draw(rt, "error callbacks")
		p := rapid.SampledFrom(promisepropagation.Scenario.Platforms).Draw(rt, "platform")
		st := rapid.SampledFrom(env.Strategies()).Draw(rt, "strategy")
		seed := rapid.Uint64().Draw(rt, "seed")
		out, err := env.RunSim(callbacks(s, f, p), p, env.Config{Strategy: st, Seed: seed})
		require.NoError(rt, err, out.Tree())
	})
}
