package listenerperrequest

import (
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Messages are the requests the scenario sends, all at once.
var Messages = []string{"message1", "message2", "message3"}

// Response is the answer to msg (the Python test's "message::response").
func Response(msg string) string { return msg + "::response" }

// ResponseListener owns the span of one request and finishes it when the
// response arrives. It is made per request and never shared: that is the
// pattern.
type ResponseListener struct {
	span opentracing.Span
	// errs collects what the listener found wrong with the scope
	// manager.
	errs []error
}

// OnResponse handles the response in the request's span — activated on
// the task the response arrived on, so that the handling code finds it as
// the active span — and finishes the span by closing that scope.
func (l *ResponseListener) OnResponse(e env.Env, res string) {
	tr := e.Tracer()
	if e.Platform().Propagation == env.Context {
		l.span.LogKV("event", "response", "response", res)
		e.Yield()
		l.span.Finish()
		return
	}
	sm := tr.ScopeManager()
	sc := sm.Activate(l.span, true)
	e.Logf("listener: handle %q in the request's span", res)
	l.errs = append(l.errs, check.ActiveIs(sm, sc, "listener, after activating the request's span"))
	if sp := tr.ActiveSpan(); sp != nil {
		sp.LogKV("event", "response", "response", res)
	}
	e.Yield()
	l.errs = append(l.errs, check.ActiveIs(sm, sc, "listener, done handling"))
	sc.Close()
}

// Client sends requests; each response arrives on a task of its own.
type Client struct {
	e env.Env
	// shared is the broken variant's one listener for every request.
	shared *ResponseListener
}

// pending is a request in flight: its response's future, and its listener.
type pending struct {
	response *env.Future[string]
	listener *ResponseListener
}

// Send starts the request's span, makes its listener and starts the task
// that answers it; it returns without waiting for the response. On the
// stackcontext platform the request is sent in a stack context of its own,
// which has returned before the response arrives.
func (c *Client) Send(msg string) pending {
	e, tr := c.e, c.e.Tracer()
	p := pending{response: env.NewFuture[string](e)}
	e.StackContext(func() {
		span := tr.StartSpan("send", ext.SpanKindRPCClient,
			opentracing.Tag{Key: string(ext.Component), Value: "example-client"},
			opentracing.Tag{Key: "message", Value: msg})
		l := &ResponseListener{span: span}
		if c.shared != nil {
			// The bug: one listener for every request; a response handled
			// after the next Send finishes that request's span.
			c.shared.span = span
			l = c.shared
		}
		p.listener = l
		e.Go("respond-"+msg, func() {
			res := Response(msg)
			l.OnResponse(e, res)
			p.response.Resolve(res)
		})
	})
	return p
}

// run sends every message, then waits for every response.
func run(e env.Env, shareListener bool) error {
	c := &Client{e: e}
	if shareListener {
		c.shared = &ResponseListener{}
	}
	var ps []pending
	for _, msg := range Messages {
		ps = append(ps, c.Send(msg))
	}
	var errs []error
	for i, p := range ps {
		if got, want := p.response.Get(), Response(Messages[i]); got != want {
			errs = append(errs, fmt.Errorf("response %q, want %q", got, want))
		}
		errs = append(errs, p.listener.errs...)
	}
	return errors.Join(errs...)
}

// checkSpans asserts one client span per request, each carrying its own
// request's response (logged by its listener, exactly once).
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	errs := []error{check.Count(spans, len(Messages))}
	if len(check.ByTag(spans, string(ext.SpanKind), ext.SpanKindRPCClientEnum)) != len(spans) {
		errs = append(errs, fmt.Errorf("%w: not every span has span.kind=client", check.ErrCheck))
	}
	for _, msg := range Messages {
		s, err := check.OneByTag(spans, "message", msg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, check.NoParent(s))
		if got := check.Logged(s, "response"); len(got) != 1 || got[0] != Response(msg) {
			errs = append(errs, fmt.Errorf("%w: the span of %q logged responses %q, want exactly [%q]", check.ErrCheck, msg, got, Response(msg)))
		}
	}
	return errors.Join(errs...)
}

// Scenario is the listener-per-request scenario, registered in package
// testbed.
var Scenario = env.Scenario{
	Name:      "listenerperrequest",
	Summary:   "each request's span is owned by a listener made for it, which finishes it when the response arrives on another task",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, false) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "sharedlistener",
			Summary:  "one listener shared by every request: a response handled after the next request was sent goes into that request's span, which is finished twice while its own stays open (some schedules)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, true) },
		},
		{
			Name:     "leaky",
			Summary:  "one scope stack shared by all tasks: listeners handling responses at once find each other's spans active and close each other's scopes (some schedules)",
			Platform: env.Tasks,
			Manager:  env.Leaky,
		},
	},
}
