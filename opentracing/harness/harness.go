/*
Package harness is the Go form of opentracing-python's api_check: a suite
of API compatibility checks that any Tracer implementation runs from its
own tests.

# Usage

Call RunAPIChecks from a test with a function that makes a new tracer
(each check gets a fresh one, so no state leaks from check to check) and
the options that say what the tracer supports:

	func TestAPICompatibility(t *testing.T) {
		harness.RunAPIChecks(t, func() (opentracing.Tracer, func()) {
			return mytracer.New(), nil
		}, harness.CheckEverything(), harness.UseProbe(myProbe{}))
	}

Each check is a subtest with a clear name (for example
TestAPICompatibility/ExtractCorrupted), so -run selects one.

# Capabilities

A no-op tracer keeps no baggage, extracts nothing and tracks no active
span, so the checks of those behaviours are off by default and turned on
with [CheckBaggageValues], [CheckInject], [CheckExtract] and
[CheckScopeManager], or all at once with [CheckEverything]. A check whose
capability is off is skipped (it says which option it needs); parts of a
check that only make sense with a capability are left out.

Checks that must hold for every tracer, no-op or not: starting and
finishing with every option, tags of every value type, every logging call
(including the deprecated ones), chaining, unicode keys and values, and
no panic from Inject or Extract and no half-made SpanContext from
Extract, whatever they are given (wrong carriers and typed-nil ones
included: InvalidCarrierInject and InvalidCarrierExtract run for every
tracer, and want ErrInvalidCarrier with CheckInject or CheckExtract).

# Probe

The API has no way to ask whether two spans share a trace, or which span
is a span's parent. A tracer that can answer supplies a [Probe] with
[UseProbe]; the harness then also checks references, the active span as
implicit parent, IgnoreActiveSpan, FinishOnClose and that Inject/Extract
keep the identity of the span context.

IsParent and SameTrace cannot tell FollowsFrom from ChildOf: both kinds
share the trace, and a tracer that keeps one parent takes it from either.
A Probe that also implements [ReferenceProbe] reports the types of a
span's references; the reference checks (StartSpanReferences,
NilReferenceIgnored, StartChildSpan) then also check that ChildOf is
recorded as child_of, FollowsFrom as follows_from, the implicit reference
to the active span as child_of, and that a nil reference adds none.

A Probe may also report what the tracer recorded, through optional
accessors that are small interfaces of their own: [TimeProbe] (start
and finish times), [OperationNameProbe], [TagProbe] (tag values with
their Go types), [LogProbe] (log records with timestamps and fields),
[SamplingProbe] (the sampled flag of a SpanContext) and [IDProbe] (trace
and span ids). The harness then checks that the StartTime option,
FinishOptions' finish time and log records, LogFieldsAt's timestamps
and SetOperationName are kept, that an int tag stays an int, that the
sampled flag survives Inject and Extract in every format, and that span
ids never repeat (SpanIDsUnique starts spans on several goroutines at
once). Without an accessor, its parts of the checks are left out.

# Checks

The checks, in the order they run, by group:

  - spans: StartSpanFinish, StartSpanEveryOption, StartSpanReferences,
    NilReferenceIgnored, StartChildSpan, FinishWithOptions,
    SetOperationName, TagValueTypes, UnicodeTags, Chaining, LogKV,
    LogFields, LogFieldsAt, DeprecatedLogging, SpanIDsUnique;
  - baggage: BaggageEmptyOnNewSpan, BaggageSetGet, BaggageMultiAndStop,
    BaggageUnicode, BaggageToFutureChildren, BaggageContextImmutable;
  - propagation: InjectExtract{TextMap,HTTPHeaders,Binary},
    BaggagePropagation{TextMap,HTTPHeaders,Binary}, HTTPHeadersValid,
    HTTPHeadersCaseInsensitive, UnrelatedEntries, BinaryInjectAppends,
    UnknownFormat, InvalidCarrierInject, InvalidCarrierExtract,
    InvalidSpanContext, ExtractNotFound, ExtractCorrupted;
  - scopes: ActiveNilOnNewTracer, StartSpanDoesNotActivate,
    ActivateAndClose, ActivateFinishOnClose, StartActiveSpan,
    StartActiveSpanFinishOnClose, CloseRestoresPrevious,
    ActiveSpanImplicitParent, IgnoreActiveSpan,
    ExplicitParentOverridesActive.

Each check starts and finishes its spans and closes its scopes in order,
so a tracer that records misuse (as the MockTracer does) records none.
The checks run on the test's goroutine: a ScopeManager whose notion of
"active" needs another environment (a sim task, say) is better checked
with package scope's scopetest.

# Running the checks elsewhere

[APIChecks] returns the checks as values whose Run takes the small [TB]
interface rather than *testing.T, so a test can run them under a fake TB
and assert that a broken tracer fails the checks it should (this
package's own tests do that).
*/
package harness

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"testing"

	"github.com/tracebed/tracebed/opentracing"
)

// TB is the part of testing.TB the checks use. *testing.T satisfies it.
//
// Fatalf and Skipf must stop the check, as testing.T's do (by
// runtime.Goexit); a fake TB may run each check on its own goroutine for
// that reason.
type TB interface {
	// Helper marks the calling function as a helper, so that a failure
	// is reported at the line of its caller.
	Helper()
	// Errorf reports a failure; the check goes on.
	Errorf(format string, args ...any)
	// Fatalf reports a failure and stops the check.
	Fatalf(format string, args ...any)
	// Skipf reports why the check is skipped and stops it; Run calls it
	// for a check whose Needs is set.
	Skipf(format string, args ...any)
	// Logf records a message without failing the check.
	Logf(format string, args ...any)
}

var _ TB = (*testing.T)(nil)
var _ TB = (*testing.B)(nil)

// NewTracerFunc makes a new tracer for one check. closer, if not nil, is
// called when the check ends (even if it failed).
type NewTracerFunc func() (tracer opentracing.Tracer, closer func())

// Probe answers questions about spans that the API cannot: a tracer's
// tests implement it to get the deeper checks. For the MockTracer it is a
// few lines that compare ids.
type Probe interface {
	// SameTrace reports whether a and b belong to the same trace.
	SameTrace(a, b opentracing.Span) bool

	// SameSpanContext reports whether sc (for example the result of
	// Extract) identifies span: same trace and same span.
	SameSpanContext(span opentracing.Span, sc opentracing.SpanContext) bool

	// IsParent reports whether parent is the parent of child (the span
	// its first reference points to). With a nil parent it reports
	// whether child is a root span, with no parent at all.
	IsParent(parent, child opentracing.Span) bool

	// FinishCount reports how many times Finish (or FinishWithOptions)
	// was called on span.
	FinishCount(span opentracing.Span) int
}

// ReferenceProbe is an optional capability of a Probe: a Probe that also
// implements it tells the harness the types of the references a span was
// started with, so that the reference checks can tell FollowsFrom from
// ChildOf. Without it those parts of the checks are left out.
type ReferenceProbe interface {
	// ReferenceTypes returns the types of the references span was started
	// with, in the order they were given, the implicit ChildOf reference
	// to the active span included and nil references left out: empty for
	// a root span. A tracer that keeps only the first reference (its
	// parent, the one IsParent asks about) may return that one alone; the
	// harness accepts any leading part of the list that is not empty.
	ReferenceTypes(span opentracing.Span) []opentracing.SpanReferenceType
}

// capability is a set of behaviours a check needs.
type capability uint8

const (
	capBaggage capability = 1 << iota
	capInject
	capExtract
	capScopes
	capProbe
)

// missing names the options that would turn on the capabilities of need
// that c lacks, or returns "" if none is missing.
func (c capability) missing(need capability) string {
	names := []struct {
		c    capability
		name string
	}{
		{capBaggage, "CheckBaggageValues(true)"},
		{capInject, "CheckInject(true)"},
		{capExtract, "CheckExtract(true)"},
		{capScopes, "CheckScopeManager(true)"},
		{capProbe, "UseProbe"},
	}
	var s string
	for _, n := range names {
		if need&n.c != 0 && c&n.c == 0 {
			if s != "" {
				s += ", "
			}
			s += n.name
		}
	}
	return s
}

type config struct {
	caps  capability
	probe Probe
}

func (c *config) set(cp capability, on bool) {
	if on {
		c.caps |= cp
	} else {
		c.caps &^= cp
	}
}

// Option configures APIChecks and RunAPIChecks.
type Option interface {
	applyAPICheck(*config)
}

type optionFunc func(*config)

func (f optionFunc) applyAPICheck(c *config) { f(c) }

// CheckBaggageValues turns on the checks that baggage items are stored,
// read back, and propagated to children (and, with CheckInject and
// CheckExtract, across Inject/Extract).
func CheckBaggageValues(on bool) Option {
	return optionFunc(func(c *config) { c.set(capBaggage, on) })
}

// CheckInject turns on the checks of Inject's errors:
// ErrUnsupportedFormat, ErrInvalidCarrier and ErrInvalidSpanContext, and
// that HTTPHeaders values are valid header values.
func CheckInject(on bool) Option {
	return optionFunc(func(c *config) { c.set(capInject, on) })
}

// CheckExtract turns on the checks that Extract returns what Inject
// wrote, and of its errors: ErrSpanContextNotFound on an empty carrier,
// ErrSpanContextCorrupted when the injected values are replaced by garbage
// or a Binary payload is cut short, ErrInvalidCarrier and
// ErrUnsupportedFormat.
func CheckExtract(on bool) Option {
	return optionFunc(func(c *config) { c.set(capExtract, on) })
}

// CheckScopeManager turns on the checks of the active span: StartSpan
// does not activate, StartActiveSpan and Activate do, Close restores the
// previous scope, Active is nil once everything is closed, and
// FinishOnClose.
func CheckScopeManager(on bool) Option {
	return optionFunc(func(c *config) { c.set(capScopes, on) })
}

// CheckEverything turns on every capability check: CheckBaggageValues,
// CheckInject, CheckExtract and CheckScopeManager.
func CheckEverything() Option {
	return optionFunc(func(c *config) { c.caps |= capBaggage | capInject | capExtract | capScopes })
}

// UseProbe supplies a Probe for the deeper checks; if p also implements
// ReferenceProbe, the types of references are checked too, and so is what
// the tracer recorded for each optional accessor p implements (TimeProbe,
// OperationNameProbe, TagProbe, LogProbe, SamplingProbe, IDProbe).
// UseProbe(nil) removes it.
func UseProbe(p Probe) Option {
	return optionFunc(func(c *config) {
		c.probe = p
		c.set(capProbe, p != nil)
	})
}

// Check is one API check, bound to a NewTracerFunc and options by
// APIChecks.
type Check struct {
	// Name is the check's subtest name, for example "ExtractCorrupted".
	Name string

	// Needs names the options this check requires (empty if none); when
	// one is missing Run skips the check.
	Needs string

	newTracer NewTracerFunc
	cfg       config
	fn        func(e *env)
}

// Run runs the check with a new tracer. A panic in the tracer is reported
// with t.Errorf, not propagated, so one bad method does not hide the other
// checks' results.
func (c Check) Run(t TB) {
	t.Helper()
	if c.Needs != "" {
		t.Skipf("needs %s", c.Needs)
		return
	}
	tracer, closer := c.newTracer()
	if closer != nil {
		defer closer()
	}
	if tracer == nil {
		t.Fatalf("newTracer returned a nil Tracer")
		return
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	c.fn(&env{t: t, tracer: tracer, cfg: c.cfg})
}

// APIChecks returns every check, in a fixed order, bound to newTracer and
// opts. RunAPIChecks runs them as subtests; tests of the harness itself
// run them under a fake TB.
func APIChecks(newTracer NewTracerFunc, opts ...Option) []Check {
	var cfg config
	for _, o := range opts {
		o.applyAPICheck(&cfg)
	}
	checks := make([]Check, 0, len(allChecks))
	for _, d := range allChecks {
		checks = append(checks, Check{
			Name:      d.name,
			Needs:     cfg.caps.missing(d.needs),
			newTracer: newTracer,
			cfg:       cfg,
			fn:        d.fn,
		})
	}
	return checks
}

// RunAPIChecks runs every check as a subtest of t, each with a tracer
// from newTracer.
func RunAPIChecks(t *testing.T, newTracer func() (tracer opentracing.Tracer, closer func()), opts ...Option) {
	t.Helper()
	for _, c := range APIChecks(newTracer, opts...) {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			c.Run(t)
		})
	}
}

// checkDef is the definition of one check.
type checkDef struct {
	name  string
	needs capability
	fn    func(e *env)
}

// allChecks lists the checks in the order they run. Each file of the
// package adds its group.
var allChecks = concat(spanChecks, baggageChecks, propagationChecks, scopeChecks)

func concat(groups ...[]checkDef) []checkDef {
	var all []checkDef
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// env is what a check works with.
type env struct {
	t      TB
	tracer opentracing.Tracer
	cfg    config
}

func (e *env) has(c capability) bool { return e.cfg.caps&c == c }

// probe returns the probe, or nil when there is none.
func (e *env) probe() Probe { return e.cfg.probe }

// referenceProbe returns the probe as a ReferenceProbe, or nil when there
// is no probe or it does not implement ReferenceProbe.
func (e *env) referenceProbe() ReferenceProbe {
	rp, _ := e.cfg.probe.(ReferenceProbe)
	return rp
}

func (e *env) errorf(format string, args ...any) {
	e.t.Helper()
	e.t.Errorf(format, args...)
}

func (e *env) fatalf(format string, args ...any) {
	e.t.Helper()
	e.t.Fatalf(format, args...)
}

// start starts a span and fails the check at once if the tracer returns
// nil.
func (e *env) start(name string, opts ...opentracing.StartSpanOption) opentracing.Span {
	e.t.Helper()
	sp := e.tracer.StartSpan(name, opts...)
	if sp == nil {
		e.fatalf("StartSpan(%q) = nil, want a Span", name)
	}
	return sp
}

// startActive starts an active span and fails the check at once if the
// tracer returns a nil Scope or a Scope with a nil Span.
func (e *env) startActive(name string, opts ...opentracing.StartSpanOption) opentracing.Scope {
	e.t.Helper()
	sc := e.tracer.StartActiveSpan(name, opts...)
	if sc == nil {
		e.fatalf("StartActiveSpan(%q) = nil, want a Scope", name)
	}
	if sc.Span() == nil {
		e.fatalf("StartActiveSpan(%q).Span() = nil, want a Span", name)
	}
	return sc
}

// same reports whether a and b are equal interface values, and false
// (rather than a panic) when their dynamic type is not comparable.
func same(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// baggage collects the baggage of sc; a nil sc has none.
func baggage(sc opentracing.SpanContext) map[string]string {
	m := map[string]string{}
	if sc == nil {
		return m
	}
	sc.ForeachBaggageItem(func(k, v string) bool {
		m[k] = v
		return true
	})
	return m
}

// describe renders v for a failure message: pointers by address, so that
// a span prints as *pkg.Span(0xc000...) rather than its insides.
func describe(v any) string {
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Pointer {
		return fmt.Sprintf("%T(%p)", v, v)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}
