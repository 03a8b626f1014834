package suspendresume

import (
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Parts are the parts of each job, in order.
var Parts = []string{"a", "b"}

// Job is Java's SuspendResume: a span that is active only while one of
// its parts runs.
type Job struct {
	e    env.Env
	span opentracing.Span
	// open is the scope the lazyclose bug keeps between parts.
	open opentracing.Scope
}

// NewJob starts the job's span and activates it for a moment, as the Java
// constructor does, without finishing it on close.
func NewJob(e env.Env, id int) *Job {
	tr := e.Tracer()
	span := tr.StartSpan(fmt.Sprintf("job %d", id), opentracing.Tag{Key: string(ext.Component), Value: "suspend-resume"})
	if e.Platform().Propagation != env.Context {
		tr.ScopeManager().Activate(span, false).Close()
	}
	return &Job{e: e, span: span}
}

// DoPart resumes the job for one part: it activates the span, logs the
// part through the active span and suspends the job again by closing the
// scope. lazyClose is the broken variant's mistake: the scope is left open
// until the job's next part.
func (j *Job) DoPart(name string, lazyClose bool) error {
	e := j.e
	if e.Platform().Propagation == env.Context {
		j.span.LogKV("event", "part: "+name)
		return nil
	}
	sm := e.Tracer().ScopeManager()
	if j.open != nil {
		j.open.Close()
		j.open = nil
	}
	before := sm.Active()
	sc := sm.Activate(j.span, false)
	e.Logf("resume the job for part %s", name)
	errs := []error{check.ActiveIs(sm, sc, "part "+name+", resumed")}
	if sp := e.Tracer().ActiveSpan(); sp != nil {
		sp.LogKV("event", "part: "+name)
	}
	if lazyClose {
		j.open = sc
		return errors.Join(errs...)
	}
	sc.Close()
	errs = append(errs, check.ActiveIs(sm, before, "part "+name+", suspended"))
	return errors.Join(errs...)
}

// Done finishes the job.
func (j *Job) Done() {
	if j.open != nil {
		j.open.Close()
	}
	j.span.Finish()
}

// event is one event of a job: its start, or one of its parts.
type event struct {
	job  int
	part string // empty for the start
}

// run lets two producers send the events of jobs 1 and 2, each in order,
// and one worker task handle them all, interleaved as they arrive.
func run(e env.Env, lazyClose bool) error {
	q := env.NewQueue[event](e, 0)
	for id := 1; id <= 2; id++ {
		e.Go(fmt.Sprintf("producer%d", id), func() {
			q.Put(event{job: id})
			for _, p := range Parts {
				e.Yield()
				q.Put(event{job: id, part: p})
			}
		})
	}
	done := env.NewFuture[error](e)
	e.Go("worker", func() {
		var errs []error
		e.StackContext(func() {
			jobs := map[int]*Job{}
			for range 2 * (1 + len(Parts)) {
				ev := q.Get()
				if ev.part == "" {
					jobs[ev.job] = NewJob(e, ev.job)
					continue
				}
				errs = append(errs, jobs[ev.job].DoPart(ev.part, lazyClose))
			}
			jobs[1].Done()
			jobs[2].Done()
		})
		done.Resolve(errors.Join(errs...))
	})
	return done.Get()
}

// checkSpans asserts job 1 then job 2, both roots, each with its own parts'
// logs in order.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	if err := check.NamesInOrder(spans, "job 1", "job 2"); err != nil {
		return err
	}
	var want []string
	for _, p := range Parts {
		want = append(want, "part: "+p)
	}
	errs := []error{check.NoParent(spans[0]), check.NoParent(spans[1])}
	for _, s := range spans {
		if got := check.Events(s); fmt.Sprint(got) != fmt.Sprint(want) {
			errs = append(errs, fmt.Errorf("%w: %q logged %q, want %q", check.ErrCheck, s.Operation, got, want))
		}
	}
	return errors.Join(errs...)
}

// Scenario is the suspend-resume scenario, registered in package testbed.
var Scenario = env.Scenario{
	Name:      "suspendresume",
	Summary:   "two jobs interleaved on one task, each span active only while one of its parts runs: never parented to each other",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, false) },
	Check:     checkSpans,
	Broken: []env.Broken{{
		Name:     "lazyclose",
		Summary:  "a job stays active after its part, until its next one: a job started meanwhile becomes a child of the other, and a part of the other job runs over it (some schedules)",
		Platform: env.Tasks,
		Run:      func(e env.Env) error { return run(e, true) },
	}},
}
