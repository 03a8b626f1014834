package view_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/scope"
	"github.com/tracebed/tracebed/sim"
	"github.com/tracebed/tracebed/view"
	"github.com/tracebed/tracebed/view/simspans"
)

// fanOut is a run written on sim directly: a request span in the root
// task, workers that take a job from a channel, continue the request in a
// child span (every third one FOLLOWS_FROM) under an activated scope, log,
// and send their result back; the last result resolves a future that the
// root gets. With strict, the root insists the results arrive in worker
// order: a planted bug that some schedules hit.
func fanOut(workers int, strict bool) func(s *sim.Sim) (*mocktracer.MockTracer, func()) {
	return func(s *sim.Sim) (*mocktracer.MockTracer, func()) {
		obs := simspans.New(s)
		mgr := obs.Manager(scope.NewTaskLocal(s))
		tr := mocktracer.New(append(obs.TracerOptions(nil), mocktracer.WithScopeManager(mgr))...)
		return tr, func() {
			req := tr.StartActiveSpan("request", ext.SpanKindRPCServer)
			req.Span().SetTag("workers", workers)
			jobs := sim.NewChan[int](s, 0)
			results := sim.NewChan[int](s, workers)
			last := sim.NewFuture[int](s)
			wg := sim.NewWaitGroup(s)
			for i := range workers {
				wg.Go(fmt.Sprintf("worker%d", i), func() {
					job, _ := jobs.Recv()
					sc := mgr.Activate(req.Span(), false)
					ref := opentracing.ChildOf(req.Span().Context())
					if job%3 == 2 {
						ref = opentracing.FollowsFrom(req.Span().Context())
					}
					sp := tr.StartSpan(fmt.Sprintf("work %d", job), ref, opentracing.Tag{Key: "job", Value: job})
					s.Sleep(time.Millisecond)
					sp.LogKV("event", "done", "job", job)
					sp.Finish()
					sc.Close()
					results.Send(job)
					if job == workers-1 {
						last.Resolve(job)
					}
				})
			}
			for i := range workers {
				jobs.Send(i)
			}
			got := []int{}
			for range workers {
				s.Select(sim.OnRecv(results, func(v int, _ bool) { got = append(got, v) }))
			}
			last.Get()
			wg.Wait()
			req.Close()
			if strict && got[0] != 0 {
				panic(fmt.Sprintf("results out of order: %v", got))
			}
		}
	}
}

// runOf runs the fixture with a seed and builds its model.
func runOf(t testing.TB, workers int, strict bool, seed uint64) *view.Run {
	t.Helper()
	var tr *mocktracer.MockTracer
	res, err := sim.Run(func(s *sim.Sim) {
		var body func()
		tr, body = fanOut(workers, strict)(s)
		body()
	}, sim.WithStrategy(sim.Random(seed)))
	require.NotNil(t, res)
	return view.Build(res.Trace, tr.FinishedRecords(), view.WithTitle(fmt.Sprintf("fan-out of %d, seed %d", workers, seed)), view.WithFailure(err))
}
