package opentracing

import "time"

// Tracer is the entry point of the API: it creates spans, owns the
// ScopeManager that tracks the active span, and moves SpanContexts across
// process boundaries with Inject and Extract.
//
// Implementations must be safe for concurrent use.
type Tracer interface {
	// StartSpan creates, starts and returns a new Span with the given
	// operation name and options.
	//
	// With no explicit parent (no ChildOf or FollowsFrom reference to a
	// non-nil SpanContext) and without IgnoreActiveSpan, the span of the
	// ScopeManager's active Scope becomes the parent (CHILD_OF).
	//
	// Example usage (sans error handling):
	//
	//	sp := tracer.StartSpan("GetFeed")
	//	child := tracer.StartSpan("LoadFeedItems", opentracing.ChildOf(sp.Context()))
	//	root := tracer.StartSpan("Detached", opentracing.IgnoreActiveSpan())
	StartSpan(operationName string, opts ...StartSpanOption) Span

	// StartActiveSpan starts a span as StartSpan does and activates it with
	// the tracer's ScopeManager. The returned Scope is already registered:
	// Close it (usually with defer) to restore the previously active scope.
	// Unless FinishOnClose(false) is passed, closing the Scope finishes the
	// span.
	StartActiveSpan(operationName string, opts ...StartSpanOption) Scope

	// ScopeManager returns the manager that tracks the active Scope.
	ScopeManager() ScopeManager

	// ActiveSpan is a shorthand for ScopeManager().Active().Span(); it
	// returns nil when no scope is active.
	ActiveSpan() Span

	// Inject writes sc into carrier in the given format.
	//
	//   - ErrUnsupportedFormat if the tracer does not know format;
	//   - ErrInvalidCarrier if carrier is not of the type the format needs;
	//   - ErrInvalidSpanContext if sc was not made by this tracer.
	//
	// For the Binary format the context is appended to the io.Writer.
	Inject(sc SpanContext, format any, carrier any) error

	// Extract reads a SpanContext from carrier in the given format.
	//
	//   - ErrSpanContextNotFound if the carrier holds no context;
	//   - ErrSpanContextCorrupted if it holds one that cannot be parsed;
	//   - ErrInvalidCarrier if carrier is not of the type the format needs;
	//   - ErrUnsupportedFormat if the tracer does not know format.
	//
	// Errors may wrap detail: match them with errors.Is. On error the
	// returned SpanContext is nil, never half made.
	Extract(format any, carrier any) (SpanContext, error)
}

// StartSpanOptions holds the options of a StartSpan or StartActiveSpan
// call. Tracer implementations fold the options into it with
// StartSpanOption.Apply.
type StartSpanOptions struct {
	// References to other spans, in the order given. References to a nil
	// SpanContext are never stored.
	References []SpanReference

	// StartTime overrides the start time; zero means "now" by the
	// tracer's clock.
	StartTime time.Time

	// Tags to set on the span as it starts. May be nil.
	Tags map[string]any

	// IgnoreActiveSpan stops the active span from becoming the implicit
	// parent.
	IgnoreActiveSpan bool

	// KeepOpenOnClose is the negation of Python's finish_on_close, so that
	// the zero value keeps the documented default (finish on close). It
	// matters only for StartActiveSpan.
	KeepOpenOnClose bool
}

// StartSpanOption is an option of StartSpan and StartActiveSpan. Apply is
// exported so that any Tracer implementation can fold options into a
// StartSpanOptions.
type StartSpanOption interface {
	// Apply folds the option into the options being built.
	Apply(*StartSpanOptions)
}

// NewStartSpanOptions folds opts into a StartSpanOptions and resolves the
// implicit parent: if no reference is present, IgnoreActiveSpan is not set
// and sm has an active Scope, a CHILD_OF reference to the active span is
// added. sm may be nil. Tracer implementations call it at the top of
// StartSpan so that every tracer applies the rule the same way.
func NewStartSpanOptions(sm ScopeManager, opts ...StartSpanOption) StartSpanOptions {
	var o StartSpanOptions
	for _, opt := range opts {
		if opt != nil {
			opt.Apply(&o)
		}
	}
	if len(o.References) == 0 && !o.IgnoreActiveSpan && sm != nil {
		if sc := sm.Active(); sc != nil {
			if sp := sc.Span(); sp != nil {
				ChildOf(sp.Context()).Apply(&o)
			}
		}
	}
	return o
}

// SpanReferenceType is the kind of a SpanReference.
type SpanReferenceType int

const (
	// ChildOfRef means the referenced span depends on the result of the new
	// span: the parent waits for the child (RPC server span of a client
	// span, a function call inside a span).
	//
	//	[-Parent Span---------]
	//	     [-Child Span----]
	ChildOfRef SpanReferenceType = iota + 1

	// FollowsFromRef means the referenced span does not depend on the new
	// span's result (a message consumer of a producer span, a callback
	// that runs after its initiator finished).
	//
	//	[-Parent Span-]  [-Child Span-]
	FollowsFromRef
)

// String returns "child_of" or "follows_from", the names the Python API
// uses.
func (t SpanReferenceType) String() string {
	switch t {
	case ChildOfRef:
		return "child_of"
	case FollowsFromRef:
		return "follows_from"
	default:
		return "unknown_reference"
	}
}

// SpanReference is a StartSpanOption that links the new span to another
// span's context. A reference whose ReferencedContext is nil is ignored, so
// callers may pass the result of Extract without checking it.
//
// Python's start_span takes child_of and references as two parameters and
// forbids passing both; Go has one list of references, so several may be
// given: the first is the parent for tracers that keep only one.
type SpanReference struct {
	// Type is the kind of the reference: ChildOfRef or FollowsFromRef.
	Type SpanReferenceType
	// ReferencedContext is the context of the span referred to; nil
	// makes the reference a no-op option.
	ReferencedContext SpanContext
}

// Apply appends the reference unless its context is nil.
func (r SpanReference) Apply(o *StartSpanOptions) {
	if r.ReferencedContext != nil {
		o.References = append(o.References, r)
	}
}

// ChildOf returns a CHILD_OF reference to sc. ChildOf(nil) is a no-op
// option.
func ChildOf(sc SpanContext) SpanReference {
	return SpanReference{Type: ChildOfRef, ReferencedContext: sc}
}

// FollowsFrom returns a FOLLOWS_FROM reference to sc. FollowsFrom(nil) is a
// no-op option.
func FollowsFrom(sc SpanContext) SpanReference {
	return SpanReference{Type: FollowsFromRef, ReferencedContext: sc}
}

// StartTime is a StartSpanOption that sets an explicit start time.
type StartTime time.Time

// Apply sets the start time.
func (t StartTime) Apply(o *StartSpanOptions) { o.StartTime = time.Time(t) }

// Tags is a StartSpanOption that sets several tags at start. Values should
// be strings, booleans or numbers.
type Tags map[string]any

// Apply copies the tags into the options.
func (t Tags) Apply(o *StartSpanOptions) {
	if len(t) == 0 {
		return
	}
	if o.Tags == nil {
		o.Tags = make(map[string]any, len(t))
	}
	for k, v := range t {
		o.Tags[k] = v
	}
}

// Tag is a StartSpanOption that sets one tag at start, and can also set
// itself on a running span with Set.
type Tag struct {
	// Key is the tag's name.
	Key string
	// Value is the tag's value: a string, a bool or a number, as for
	// Span.SetTag.
	Value any
}

// Apply adds the tag to the options.
func (t Tag) Apply(o *StartSpanOptions) {
	if o.Tags == nil {
		o.Tags = make(map[string]any, 1)
	}
	o.Tags[t.Key] = t.Value
}

// Set sets the tag on s.
func (t Tag) Set(s Span) { s.SetTag(t.Key, t.Value) }

type ignoreActiveSpan struct{}

func (ignoreActiveSpan) Apply(o *StartSpanOptions) { o.IgnoreActiveSpan = true }

// IgnoreActiveSpan returns an option that stops the active span from
// becoming the implicit parent: without another reference the new span is
// a root span.
func IgnoreActiveSpan() StartSpanOption { return ignoreActiveSpan{} }

type finishOnClose bool

func (f finishOnClose) Apply(o *StartSpanOptions) { o.KeepOpenOnClose = !bool(f) }

// FinishOnClose returns an option of StartActiveSpan: whether closing the
// returned Scope finishes its span. The default is true.
func FinishOnClose(finish bool) StartSpanOption { return finishOnClose(finish) }

// StartChildSpan starts a span that is a CHILD_OF parent, with the parent's
// tracer: the Go form of Python's start_child_span.
func StartChildSpan(parent Span, operationName string, opts ...StartSpanOption) Span {
	all := make([]StartSpanOption, 0, len(opts)+1)
	all = append(all, ChildOf(parent.Context()))
	all = append(all, opts...)
	return parent.Tracer().StartSpan(operationName, all...)
}
