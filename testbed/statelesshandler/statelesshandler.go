package statelesshandler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// A Request is one of the scenario's requests, with the virtual time its
// task waits before each hook: the sums are equal, so all the after hooks
// fall due at one instant and the schedule decides their order.
type Request struct {
	Message             string
	BeforeWait, Waiting time.Duration
}

// Requests are the scenario's three requests.
var Requests = []Request{
	{"message1", 30 * time.Millisecond, 10 * time.Millisecond},
	{"message2", 10 * time.Millisecond, 30 * time.Millisecond},
	{"message3", 20 * time.Millisecond, 20 * time.Millisecond},
}

// Response is the answer to msg.
func Response(msg string) string { return msg + "::response" }

// RequestHandler is shared by every request and keeps nothing between
// its hooks: the request's scope lives in the scope manager, on the task
// the request runs on (or, on the ctx platform, in the context the before
// hook returns).
type RequestHandler struct {
	tr opentracing.Tracer
	// closeScope is false in the broken variant noclose: the after hook
	// finishes the active span but leaves its scope open.
	closeScope bool
}

// BeforeRequest starts the request's span, a child of whatever span is
// active (Java's handler does not ignore the active span), and activates
// it. It returns the scope only so that the caller can check the identity
// of the scope active between the hooks; the handler does not keep it. On
// the ctx platform it returns the span in a derived context, and no scope.
func (h RequestHandler) BeforeRequest(ctx context.Context, propagation env.Propagation, msg string) (context.Context, opentracing.Scope) {
	tags := []opentracing.StartSpanOption{ext.SpanKindRPCClient, opentracing.Tag{Key: "message", Value: msg}}
	if propagation == env.Context {
		_, ctx = opentracing.StartSpanFromContextWithTracer(ctx, h.tr, "send", tags...)
		return ctx, nil
	}
	return ctx, h.tr.StartActiveSpan("send", tags...)
}

// AfterResponse records the response on the request's span and finishes
// it, closing the scope active on the calling task (Java:
// activeSpan().finish(), then the scope's close).
func (h RequestHandler) AfterResponse(ctx context.Context, propagation env.Propagation, res string) error {
	if propagation == env.Context {
		sp := opentracing.SpanFromContext(ctx)
		if sp == nil {
			return errors.New("after hook: no span in the context")
		}
		sp.LogKV("event", "response", "response", res)
		sp.Finish()
		return nil
	}
	sc := h.tr.ScopeManager().Active()
	if sc == nil {
		return errors.New("after hook: no scope active")
	}
	sc.Span().LogKV("event", "response", "response", res)
	if !h.closeScope {
		sc.Span().Finish()
		return nil
	}
	sc.Close()
	return nil
}

// send is one request on its task: wait, the before hook, wait for the
// response, the after hook.
func send(e env.Env, h RequestHandler, r Request) (string, error) {
	p := e.Platform().Propagation
	e.Sleep(r.BeforeWait)
	ctx, sc := h.BeforeRequest(context.Background(), p, r.Message)
	e.Logf("%s: before hook done, wait for the response", r.Message)
	e.Sleep(r.Waiting)
	var errs []error
	if sc != nil {
		errs = append(errs, check.ActiveIs(e.Tracer().ScopeManager(), sc, r.Message+", between the hooks"))
	}
	res := Response(r.Message)
	errs = append(errs, h.AfterResponse(ctx, p, res))
	return res, errors.Join(errs...)
}

// result is one request's outcome.
type result struct {
	response string
	err      error
}

// run sends every request at once, each on its own task (in its own stack
// context on the stackcontext platform, unless sharedContext puts them
// all in one), and checks the responses.
func run(e env.Env, h RequestHandler, sharedContext bool) error {
	var futures []*env.Future[result]
	e.StackContext(func() { // the one context of the broken variant
		for _, r := range Requests {
			f := env.NewFuture[result](e)
			futures = append(futures, f)
			e.Go("request-"+r.Message, func() {
				var res result
				body := func() { res.response, res.err = send(e, h, r) }
				if sharedContext {
					body()
				} else {
					e.StackContext(body)
				}
				f.Resolve(res)
			})
		}
	})
	var errs []error
	for i, f := range futures {
		res := f.Get()
		if want := Response(Requests[i].Message); res.response != want {
			errs = append(errs, fmt.Errorf("response %q, want %q", res.response, want))
		}
		errs = append(errs, res.err)
	}
	return errors.Join(errs...)
}

// checkSpans asserts one root span per request, carrying its own response.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	errs := []error{check.Count(spans, len(Requests))}
	for _, r := range Requests {
		s, err := check.OneByTag(spans, "message", r.Message)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, check.NoParent(s))
		if got := check.Logged(s, "response"); len(got) != 1 || got[0] != Response(r.Message) {
			errs = append(errs, fmt.Errorf("%w: the span of %q logged responses %q, want exactly [%q]", check.ErrCheck, r.Message, got, Response(r.Message)))
		}
	}
	return errors.Join(errs...)
}

// Scenario is the stateless-request-handler scenario, registered in
// package testbed.
var Scenario = env.Scenario{
	Name:      "statelesshandler",
	Summary:   "a shared handler keeps no state between its before and after hooks: the scope manager keeps each request's scope on its task",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, RequestHandler{tr: e.Tracer(), closeScope: true}, false) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "sharedcontext",
			Summary:  "on stackcontext the three requests share one stack context, so their scopes pile up on one stack: the after hooks come due in the order of the before hooks, not the reverse, so the first closes the scope on top, another request's, and the rest close out of order (every schedule)",
			Platform: env.StackContext,
			Run:      func(e env.Env) error { return run(e, RequestHandler{tr: e.Tracer(), closeScope: true}, true) },
		},
		{
			Name:     "noclose",
			Summary:  "the after hook finishes the active span but does not close its scope (Java's thread-local entry never removed): the task ends with a finished span still active (every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, RequestHandler{tr: e.Tracer()}, false) },
		},
	},
}
