package commonrequest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/commonrequest"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCommonRequest(t *testing.T) {
	env.Test(t, commonrequest.Scenario, env.Config{})
}

func TestCommonRequestBroken(t *testing.T) {
	env.TestBroken(t, commonrequest.Scenario)
}

// TestBadSolutionToSetParent asserts the documented WRONG outcome of a
// handler built with a fixed parent context: the request sent after the
// parent ended is its child too (checkBad asserts both links).
func TestBadSolutionToSetParent(t *testing.T) {
	env.Test(t, commonrequest.BadSolution, env.Config{})
}

// TestGoodSolutionToSetParent: the handler reads the implicitly propagated
// parent; only the request sent inside the parent is its child.
func TestGoodSolutionToSetParent(t *testing.T) {
	env.Test(t, commonrequest.GoodSolution, env.Config{})
}

func TestBadSolutionBroken(t *testing.T) {
	env.TestBroken(t, commonrequest.BadSolution)
}

func TestGoodSolutionBroken(t *testing.T) {
	env.TestBroken(t, commonrequest.GoodSolution)
}

// TestSolutionsBrokenOdds: the broken variants of the two solutions are
// plain mistakes, not races: each fails on every schedule.
func TestSolutionsBrokenOdds(t *testing.T) {
	t.Run("badsolution", func(t *testing.T) {
		env.TestBrokenOdds(t, commonrequest.BadSolution, map[string]bool{"activateinhook": true})
	})
	t.Run("goodsolution", func(t *testing.T) {
		env.TestBrokenOdds(t, commonrequest.GoodSolution, map[string]bool{"fixedparent": true, "nopropagation": true})
	})
}

// TestGoodSolutionNeedsPropagation runs the good solution where the active
// span does not follow the request into its hooks' tasks: the request sent
// inside the parent gets no parent, on every schedule. That is why the
// goroutines and tasks platforms fall back on the bad solution.
func TestGoodSolutionNeedsPropagation(t *testing.T) {
	for _, p := range []env.Platform{env.Goroutines, env.Tasks} {
		t.Run(p.Name, func(t *testing.T) {
			sc := commonrequest.GoodSolution
			sc.Platforms = []env.Platform{p}
			for seed := uint64(0); seed < 20; seed++ {
				out, err := env.RunSim(sc, p, env.Config{Seed: seed})
				require.Error(t, err, "seed %d passed:\n%s", seed, out.Tree())
				require.True(t, errors.Is(err, check.ErrCheck), "seed %d: %v", seed, err)
				require.ErrorContains(t, err, "is not a child of", "seed %d", seed)
			}
		})
	}
}

// concurrentRequests sends n requests at once through one default handler.
func concurrentRequests(n int, p env.Platform) env.Scenario {
	return env.Scenario{
		Name:      fmt.Sprintf("commonrequest-%d", n),
		Platforms: []env.Platform{p},
		Run: func(e env.Env) error {
			c := &commonrequest.Client{Env: e, Handler: commonrequest.NewRequestHandler(e.Tracer(), nil, true)}
			var fs []*env.Future[string]
			for i := range n {
				fs = append(fs, c.SendAsync(context.Background(), fmt.Sprintf("m%d", i)))
			}
			for i, f := range fs {
				if got, want := f.Get(), fmt.Sprintf("m%d::response", i); got != want {
					return fmt.Errorf("response %d = %v, want %q", i, got, want)
				}
			}
			return nil
		},
		Check: func(e env.Env) error {
			spans := e.Recorder().FinishedRecords()
			if err := check.Count(spans, n); err != nil {
				return err
			}
			var errs []error
			traces := map[uint64]bool{}
			for i := range n {
				s, err := check.OneByTag(spans, commonrequest.RequestTag, fmt.Sprintf("m%d", i))
				if err != nil {
					return err
				}
				errs = append(errs, check.NoParent(s))
				traces[s.TraceID] = true
			}
			if len(traces) != n {
				errs = append(errs, fmt.Errorf("%d requests in %d traces, want one each", n, len(traces)))
			}
			return errors.Join(errs...)
		},
	}
}

// TestConcurrentRequestsProperty: any number of concurrent requests through
// the shared default handler, on any platform and schedule, are each the
// root of a trace of their own.
func TestConcurrentRequestsProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(rt, "requests")
		p := rapid.SampledFrom(commonrequest.Scenario.Platforms).Draw(rt, "platform")
		st := rapid.SampledFrom(env.Strategies()).Draw(rt, "strategy")
		seed := rapid.Uint64().Draw(rt, "seed")
		_, err := env.RunSim(concurrentRequests(n, p), p, env.Config{Strategy: st, Seed: seed})
		require.NoError(rt, err)
	})
}
