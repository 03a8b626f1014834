package actorpropagation

import (
	"context"
	"errors"
	"fmt"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/testbed/check"
	"github.com/tracebed/tracebed/testbed/env"
)

// Workers is the size of the actor's pool (the Java test's fixed pool of
// two threads).
const Workers = 2

// Messages are what each exchange sends the actor, in order.
var Messages = []string{"my message 1", "my message 2"}

// Answer is the actor's answer to msg (and what it logs for a told
// message).
func Answer(msg string) string { return "received " + msg }

// message is one mailbox entry. A nil reply is a tell; stop ends a worker.
type message struct {
	body string
	// parent is the producer span's context, captured by the sender.
	parent opentracing.SpanContext
	// gate opens when the producer span is finished: the worker waits
	// for it with the consumer span started (Java's phaser).
	gate  *env.Future[struct{}]
	reply *env.Future[string]
	stop  bool
}

// Actor handles the messages of its mailbox on Workers tasks.
type Actor struct {
	e       env.Env
	mailbox *env.Queue[message]
	done    env.WaitGroup
	// lazyCapture is the bug of the broken variant: the producer is read
	// where the message is handled, not where it was sent.
	lazyCapture bool
}

// NewActor starts the actor's workers. On the stackcontext platform each
// works in a stack context of its own: two workers sharing one would
// activate spans on one stack at once.
func NewActor(e env.Env) *Actor {
	a := &Actor{e: e, mailbox: env.NewQueue[message](e, 0), done: e.NewWaitGroup()}
	for i := range Workers {
		a.done.Add(1)
		e.Go(fmt.Sprintf("worker%d", i+1), func() {
			defer a.done.Done()
			e.StackContext(a.work)
		})
	}
	return a
}

// current is the span the sender is in: the context's on the ctx
// platform, the active span elsewhere.
func current(e env.Env, ctx context.Context) opentracing.Span {
	if e.Platform().Propagation == env.Context {
		return opentracing.SpanFromContext(ctx)
	}
	return e.Tracer().ActiveSpan()
}

// send captures the sender's span and puts the message in the mailbox.
func (a *Actor) send(ctx context.Context, body string, gate *env.Future[struct{}], reply *env.Future[string]) {
	m := message{body: body, gate: gate, reply: reply}
	if sp := current(a.e, ctx); sp != nil && !a.lazyCapture {
		m.parent = sp.Context()
	}
	a.mailbox.Put(m)
}

// Tell sends msg without waiting for an answer. gate must be resolved
// once the sender's span is finished.
func (a *Actor) Tell(ctx context.Context, msg string, gate *env.Future[struct{}]) {
	a.send(ctx, msg, gate, nil)
}

// Ask sends msg and returns the future of the answer. gate must be
// resolved once the sender's span is finished.
func (a *Actor) Ask(ctx context.Context, msg string, gate *env.Future[struct{}]) *env.Future[string] {
	reply := env.NewFuture[string](a.e)
	a.send(ctx, msg, gate, reply)
	return reply
}

// Stop ends the workers once the messages before it are handled, and
// waits for them.
func (a *Actor) Stop() {
	for range Workers {
		a.mailbox.Put(message{stop: true})
	}
	a.done.Wait()
}

// work is a worker's loop.
func (a *Actor) work() {
	for {
		m := a.mailbox.Get()
		if m.stop {
			return
		}
		a.handle(m)
	}
}

// handle handles one message in a consumer span that FOLLOWS_FROM the
// producer. A told message is handled with the span active (its log goes
// through the active span); an asked one is answered.
func (a *Actor) handle(m message) {
	e, tr := a.e, a.e.Tracer()
	parent := m.parent
	if a.lazyCapture {
		if sp := tr.ActiveSpan(); sp != nil {
			parent = sp.Context()
		}
	}
	opts := []opentracing.StartSpanOption{ext.SpanKindConsumer,
		opentracing.Tag{Key: string(ext.Component), Value: "example-actor"},
		opentracing.Tag{Key: "message", Value: m.body}}
	if parent != nil {
		opts = append(opts, opentracing.FollowsFrom(parent))
	}
	span := tr.StartSpan("received", opts...)
	e.Logf("worker: consumer span started, wait for the producer to finish")
	m.gate.Get()
	switch {
	case m.reply != nil:
		span.Finish()
		m.reply.Resolve(Answer(m.body))
	case e.Platform().Propagation == env.Context:
		ctx := opentracing.ContextWithSpan(context.Background(), span)
		opentracing.SpanFromContext(ctx).LogKV("event", Answer(m.body))
		span.Finish()
	default:
		sc := tr.ScopeManager().Activate(span, true)
		e.Yield()
		if sp := tr.ActiveSpan(); sp != nil {
			sp.LogKV("event", Answer(m.body))
		}
		sc.Close()
	}
}

// exchange is one of the Java test's two: in its producer span, the caller
// tells or asks the actor each message, then finishes the span.
func exchange(e env.Env, a *Actor, producer string, ask bool) error {
	tr := e.Tracer()
	gate := env.NewFuture[struct{}](e)
	var replies []*env.Future[string]
	e.StackContext(func() {
		tags := []opentracing.StartSpanOption{ext.SpanKindProducer, opentracing.Tag{Key: string(ext.Component), Value: "example-actor"}}
		ctx := context.Background()
		var finish func()
		if e.Platform().Propagation == env.Context {
			sp := tr.StartSpan(producer, tags...)
			ctx, finish = opentracing.ContextWithSpan(ctx, sp), sp.Finish
		} else {
			finish = tr.StartActiveSpan(producer, tags...).Close
		}
		for _, msg := range Messages {
			if ask {
				replies = append(replies, a.Ask(ctx, msg, gate))
			} else {
				a.Tell(ctx, msg, gate)
			}
		}
		e.Logf("%s: messages sent, finish the producer span", producer)
		finish()
	})
	gate.Resolve(struct{}{})
	var errs []error
	for i, r := range replies {
		if got, want := r.Get(), Answer(Messages[i]); got != want {
			errs = append(errs, fmt.Errorf("%s: answer %q, want %q", producer, got, want))
		}
	}
	return errors.Join(errs...)
}

// The producer spans' names: one per exchange.
const (
	TellProducer = "actorTell"
	AskProducer  = "actorAsk"
)

// run is the Java test's two exchanges, tell then ask, on one actor.
func run(e env.Env, lazyCapture bool) error {
	a := NewActor(e)
	a.lazyCapture = lazyCapture
	err := errors.Join(exchange(e, a, TellProducer, false), exchange(e, a, AskProducer, true))
	a.Stop()
	return err
}

// checkExchange checks one exchange's spans.
func checkExchange(spans []*mocktracer.SpanRecord, producerName string, told bool) []error {
	producer, err := check.OneByName(spans, producerName)
	if err != nil {
		return []error{err}
	}
	errs := []error{check.NoParent(producer)}
	if fmt.Sprint(producer.Tags[string(ext.SpanKind)]) != string(ext.SpanKindProducerEnum) {
		errs = append(errs, fmt.Errorf("%w: %v has span.kind %v, want producer", check.ErrCheck, producer, producer.Tags[string(ext.SpanKind)]))
	}
	var consumers []*mocktracer.SpanRecord
	for _, s := range check.ByTag(spans, string(ext.SpanKind), ext.SpanKindConsumerEnum) {
		if s.TraceID == producer.TraceID {
			consumers = append(consumers, s)
		}
	}
	if len(consumers) != len(Messages) {
		return append(errs, fmt.Errorf("%w: %d consumer spans in the trace of %v, want %d", check.ErrCheck, len(consumers), producer, len(Messages)))
	}
	for _, msg := range Messages {
		c, err := check.OneByTag(consumers, "message", msg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, check.FollowsFrom(c, producer), check.FinishedBefore(spans, producer, c))
		want := []string(nil)
		if told {
			want = []string{Answer(msg)}
		}
		if got := check.Events(c); fmt.Sprint(got) != fmt.Sprint(want) {
			errs = append(errs, fmt.Errorf("%w: %v logged events %q, want %q", check.ErrCheck, c, got, want))
		}
	}
	return errs
}

// checkSpans asserts both exchanges' spans: six in all, each exchange a
// producer and two consumers that follow from it.
func checkSpans(e env.Env) error {
	spans := e.Recorder().FinishedRecords()
	errs := []error{check.Count(spans, 2*(1+len(Messages)))}
	errs = append(errs, checkExchange(spans, TellProducer, true)...)
	errs = append(errs, checkExchange(spans, AskProducer, false)...)
	return errors.Join(errs...)
}

// Scenario is the actor-propagation scenario, registered in package
// testbed.
var Scenario = env.Scenario{
	Name:      "actorpropagation",
	Summary:   "tell and ask an actor with a mailbox and two workers; each message is handled in a consumer span that FOLLOWS_FROM the sender's",
	Platforms: env.Platforms(),
	Run:       func(e env.Env) error { return run(e, false) },
	Check:     checkSpans,
	Broken: []env.Broken{
		{
			Name:     "lazycapture",
			Summary:  "the actor reads the producer span where it handles the message, on its worker, instead of where the message was sent: nothing is active there, so every consumer span is a root of its own trace (every schedule)",
			Platform: env.Tasks,
			Run:      func(e env.Env) error { return run(e, true) },
		},
	},
}
