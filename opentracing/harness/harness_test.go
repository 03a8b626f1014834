package harness_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/harness"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newNoop() (opentracing.Tracer, func()) { return opentracing.NoopTracer{}, nil }

// TestAPIChecks_Noop runs the harness against the NoopTracer with the
// capabilities a no-op has: none.
func TestAPIChecks_Noop(t *testing.T) {
	harness.RunAPIChecks(t, newNoop)
}

// TestAPIChecks_RefTracer runs the harness against the in-test reference
// tracer with every capability and a probe: the harness can be passed.
func TestAPIChecks_RefTracer(t *testing.T) {
	harness.RunAPIChecks(t, newRefTracer(breakage{}), harness.CheckEverything(), harness.UseProbe(refProbe{}))
}

// fakeT is a harness.TB that records instead of failing the real test.
// Fatalf and Skipf stop the check with runtime.Goexit, as testing.T does,
// so each check runs on its own goroutine (see run).
type fakeT struct {
	mu      sync.Mutex // guards the fields below
	failed  bool
	skipped bool
	msgs    []string
}

func (f *fakeT) Helper()                         {}
func (f *fakeT) Logf(format string, args ...any) {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}
func (f *fakeT) Skipf(format string, args ...any) {
	f.mu.Lock()
	f.skipped = true
	f.mu.Unlock()
	runtime.Goexit()
}

// outcome is what running every check under a fakeT gave.
type outcome struct {
	failed, skipped []string
	msgs            map[string][]string
}

func run(newTracer harness.NewTracerFunc, opts ...harness.Option) outcome {
	out := outcome{msgs: map[string][]string{}}
	for _, c := range harness.APIChecks(newTracer, opts...) {
		ft := &fakeT{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Run(ft)
		}()
		<-done
		if ft.failed {
			out.failed = append(out.failed, c.Name)
			out.msgs[c.Name] = ft.msgs
		}
		if ft.skipped {
			out.skipped = append(out.skipped, c.Name)
		}
	}
	return out
}

var everything = []harness.Option{harness.CheckEverything(), harness.UseProbe(refProbe{})}

func TestAPIChecks_RefTracerPassesUnderFakeT(t *testing.T) {
	out := run(newRefTracer(breakage{}), everything...)
	assert.Empty(t, out.failed, "messages: %v", out.msgs)
	assert.Empty(t, out.skipped)
}

func TestAPIChecks_NoopSkipsWhatANoopCannotDo(t *testing.T) {
	out := run(newNoop)
	assert.Empty(t, out.failed, "messages: %v", out.msgs)
	want := []string{
		"BaggageSetGet", "BaggageMultiAndStop", "BaggageUnicode", "BaggageToFutureChildren", "BaggageContextImmutable",
		"BaggagePropagationTextMap", "BaggagePropagationHTTPHeaders", "BaggagePropagationBinary",
		"HTTPHeadersValid", "HTTPHeadersCaseInsensitive", "UnrelatedEntries", "BinaryInjectAppends",
		"InvalidSpanContext", "ExtractNotFound",
		"ActiveNilOnNewTracer", "StartSpanDoesNotActivate", "ActivateAndClose", "ActivateFinishOnClose",
		"StartActiveSpan", "StartActiveSpanFinishOnClose", "CloseRestoresPrevious",
		"ActiveSpanImplicitParent", "IgnoreActiveSpan", "ExplicitParentOverridesActive",
	}
	assert.ElementsMatch(t, want, out.skipped)
}

// TestAPIChecks_NoopFailsWhenAskedForEverything is the Python self-test:
// a no-op tracer claiming every capability fails the checks of what it
// does not do.
func TestAPIChecks_NoopFailsWhenAskedForEverything(t *testing.T) {
	out := run(newNoop, harness.CheckEverything())
	for _, name := range []string{
		"BaggageSetGet", "BaggagePropagationTextMap", "InjectExtractBinary", "UnknownFormat",
		"InvalidCarrierInject", "InvalidSpanContext", "ActivateAndClose", "StartActiveSpan",
		"CloseRestoresPrevious",
	} {
		assert.Contains(t, out.failed, name)
	}
	assert.NotContains(t, out.failed, "ExtractNotFound", "the no-op's Extract always returns ErrSpanContextNotFound")
}

// TestAPIChecks_BrokenTracers shows that the harness fails: each bug of
// the reference tracer is caught by exactly the checks about it.
func TestAPIChecks_BrokenTracers(t *testing.T) {
	tests := []struct {
		name       string
		give       breakage
		wantFailed []string
	}{
		{
			name: "drops baggage",
			give: breakage{dropBaggage: true},
			wantFailed: []string{
				"BaggageSetGet", "BaggageMultiAndStop", "BaggageUnicode", "BaggageToFutureChildren",
				"BaggageContextImmutable", "BaggagePropagationTextMap", "BaggagePropagationHTTPHeaders",
				"BaggagePropagationBinary", "HTTPHeadersCaseInsensitive",
			},
		},
		{
			name:       "mutates the SpanContext on SetBaggageItem",
			give:       breakage{mutableContext: true},
			wantFailed: []string{"BaggageContextImmutable"},
		},
		{
			name: "ignores the active span as implicit parent",
			give: breakage{ignoreActive: true},
			wantFailed: []string{
				"NilReferenceIgnored", "BaggageToFutureChildren", "CloseRestoresPrevious", "ActiveSpanImplicitParent",
			},
		},
		{
			name:       "never finishes on close",
			give:       breakage{noFinishOnClose: true},
			wantFailed: []string{"ActivateFinishOnClose", "StartActiveSpanFinishOnClose"},
		},
		{
			name:       "close clears every scope",
			give:       breakage{closeClearsAll: true},
			wantFailed: []string{"CloseRestoresPrevious"},
		},
		{
			name:       "reports a corrupted id as not found",
			give:       breakage{notFoundOnCorrupt: true},
			wantFailed: []string{"ExtractCorrupted"},
		},
		{
			name:       "returns a half-made context with an error",
			give:       breakage{halfMadeContext: true},
			wantFailed: []string{"UnrelatedEntries", "ExtractNotFound", "ExtractCorrupted"},
		},
		{
			name:       "panics on a malformed LogKV",
			give:       breakage{panicOnOddLogKV: true},
			wantFailed: []string{"LogKV"},
		},
		{
			name: "compares HTTP header names case-sensitively",
			give: breakage{caseSensitiveHTTP: true},
			wantFailed: []string{
				"InjectExtractHTTPHeaders", "BaggagePropagationHTTPHeaders", "HTTPHeadersCaseInsensitive", "UnrelatedEntries",
			},
		},
		{
			name:       "writes baggage values to headers unescaped",
			give:       breakage{rawHeaderValues: true},
			wantFailed: []string{"BaggagePropagationTextMap", "BaggagePropagationHTTPHeaders", "HTTPHeadersValid"},
		},
		{
			name:       "panics on a typed-nil carrier",
			give:       breakage{usesNilCarrier: true},
			wantFailed: []string{"InvalidCarrierInject", "InvalidCarrierExtract"},
		},
		{
			name:       "ignores IgnoreActiveSpan",
			give:       breakage{ignoreIgnoreActive: true},
			wantFailed: []string{"IgnoreActiveSpan"},
		},
		{
			name:       "lets the active span beat an explicit parent",
			give:       breakage{activeBeatsExplicit: true},
			wantFailed: []string{"ExplicitParentOverridesActive"},
		},
		{
			name:       "reports a wrong carrier as not found",
			give:       breakage{wrongCarrierAbsent: true},
			wantFailed: []string{"InvalidCarrierExtract"},
		},
		{
			// The other two checks start FollowsFrom children as well: one
			// wants the explicit reference's trace, the other its baggage.
			name:       "turns FollowsFrom into a root span",
			give:       breakage{followsFromIsRoot: true},
			wantFailed: []string{"StartSpanReferences", "ExplicitParentOverridesActive", "BaggageToFutureChildren"},
		},
		{
			// IsParent and SameTrace hold for such a span: only the
			// ReferenceProbe tells it apart.
			name:       "records FollowsFrom as ChildOf",
			give:       breakage{followsFromAsChildOf: true},
			wantFailed: []string{"StartSpanReferences"},
		},
		{
			// A span started (not activated) by the other checks stays
			// active until it finishes: it is still active after the
			// check's own scope closes, or becomes the parent of a span the
			// check meant for the span it activated.
			name: "activates the span in StartSpan",
			give: breakage{startActivates: true},
			wantFailed: []string{
				"StartSpanDoesNotActivate", "StartSpanEveryOption", "ActivateAndClose", "ActiveSpanImplicitParent",
			},
		},
		// The bugs below are seen only through the Probe's optional
		// accessors of recorded content.
		{name: "ignores the StartTime option", give: breakage{ignoreStartTime: true}, wantFailed: []string{"FinishWithOptions"}},
		{name: "ignores FinishOptions.FinishTime", give: breakage{ignoreFinishTime: true}, wantFailed: []string{"FinishWithOptions"}},
		{
			name:       "ignores log record timestamps",
			give:       breakage{ignoreLogTimestamps: true},
			wantFailed: []string{"FinishWithOptions", "LogFieldsAt"},
		},
		{name: "ignores SetOperationName", give: breakage{ignoreSetOpName: true}, wantFailed: []string{"SetOperationName"}},
		{name: "stores int tags as strings", give: breakage{intTagsAsStrings: true}, wantFailed: []string{"TagValueTypes"}},
		{
			name:       "loses the sampled flag in Inject",
			give:       breakage{dropSampled: true},
			wantFailed: []string{"InjectExtractTextMap", "InjectExtractHTTPHeaders", "InjectExtractBinary"},
		},
		{
			// Two roots then share span id 1, so IsParent cannot tell the
			// explicit parent from the active span either.
			name:       "repeats span ids across traces",
			give:       breakage{repeatSpanIDs: true},
			wantFailed: []string{"SpanIDsUnique", "ExplicitParentOverridesActive"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := run(newRefTracer(tt.give), everything...)
			assert.ElementsMatch(t, tt.wantFailed, out.failed, "messages: %v", out.msgs)
			assert.Empty(t, out.skipped)
		})
	}
}

// TestAPIChecks_NoCapabilityNeededForNoPanic shows that the carrier checks
// run without CheckInject or CheckExtract, as "no panic" holds for every
// tracer: one that panics on a typed-nil carrier fails them, while the
// no-op tracer (which only has to not panic) passes them.
func TestAPIChecks_NoCapabilityNeededForNoPanic(t *testing.T) {
	out := run(newRefTracer(breakage{usesNilCarrier: true}))
	assert.ElementsMatch(t, []string{"InvalidCarrierInject", "InvalidCarrierExtract"}, out.failed, "messages: %v", out.msgs)
	for _, name := range []string{"InvalidCarrierInject", "InvalidCarrierExtract"} {
		require.NotEmpty(t, out.msgs[name])
		assert.Contains(t, out.msgs[name][0], "panic:")
	}
	out = run(newNoop)
	assert.NotContains(t, out.failed, "InvalidCarrierInject")
	assert.NotContains(t, out.skipped, "InvalidCarrierInject")
	assert.NotContains(t, out.skipped, "InvalidCarrierExtract")
}

// TestAPIChecks_DeeperChecksNeedAProbe shows that without a probe the
// parent checks are skipped; a tracer that ignores the active span is then
// still caught, by the baggage its implicit children lack.
func TestAPIChecks_DeeperChecksNeedAProbe(t *testing.T) {
	out := run(newRefTracer(breakage{ignoreActive: true}), harness.CheckEverything())
	assert.Equal(t, []string{"BaggageToFutureChildren"}, out.failed, "messages: %v", out.msgs)
	assert.ElementsMatch(t, []string{
		"StartActiveSpanFinishOnClose", "ActiveSpanImplicitParent", "IgnoreActiveSpan", "ExplicitParentOverridesActive",
	}, out.skipped)
}

// plainProbe hides the ReferenceProbe methods of the probe it wraps.
type plainProbe struct{ harness.Probe }

// TestAPIChecks_ReferenceTypesNeedAReferenceProbe shows that the
// reference types are checked only when the probe is a ReferenceProbe: a
// tracer that records FollowsFrom as ChildOf passes with a plain Probe,
// and fails StartSpanReferences, with messages naming the types, with a
// ReferenceProbe.
func TestAPIChecks_ReferenceTypesNeedAReferenceProbe(t *testing.T) {
	broken := newRefTracer(breakage{followsFromAsChildOf: true})
	out := run(broken, harness.CheckEverything(), harness.UseProbe(plainProbe{refProbe{}}))
	assert.Empty(t, out.failed, "messages: %v", out.msgs)
	assert.Empty(t, out.skipped)

	out = run(broken, everything...)
	assert.Equal(t, []string{"StartSpanReferences"}, out.failed)
	assert.Equal(t, []string{
		"StartSpan(FollowsFrom(parent)): probe ReferenceTypes = [child_of], want [follows_from]",
		"StartSpan(ChildOf(parent), FollowsFrom(other)): probe ReferenceTypes = [child_of child_of], want [child_of follows_from] (or a leading part of it)",
	}, out.msgs["StartSpanReferences"])
}

// TestAPIChecks_RecordedContentNeedsTheOptionalProbes shows that the
// checks of recorded content are left out for a Probe without the
// optional accessors: the tracers that ignore times, names, tag types,
// the sampled flag or repeat span ids within a trace only pass with a
// plain Probe.
func TestAPIChecks_RecordedContentNeedsTheOptionalProbes(t *testing.T) {
	for _, b := range []breakage{
		{ignoreStartTime: true}, {ignoreFinishTime: true}, {ignoreLogTimestamps: true},
		{ignoreSetOpName: true}, {intTagsAsStrings: true}, {dropSampled: true},
	} {
		out := run(newRefTracer(b), harness.CheckEverything(), harness.UseProbe(plainProbe{refProbe{}}))
		assert.Empty(t, out.failed, "%+v: messages: %v", b, out.msgs)
	}
}

// TestAPIChecks_ReferenceTypesMayBeALeadingPart shows what a ReferenceProbe
// may and may not report: a tracer that keeps only the first reference
// passes, one that reports none for a span with a reference, or one for a
// root span, fails.
func TestAPIChecks_ReferenceTypesMayBeALeadingPart(t *testing.T) {
	tests := []struct {
		name       string
		give       func([]opentracing.SpanReferenceType) []opentracing.SpanReferenceType
		wantFailed []string
	}{
		{"keeps the first only", func(r []opentracing.SpanReferenceType) []opentracing.SpanReferenceType { return r[:min(len(r), 1)] }, nil},
		{"reports none", func([]opentracing.SpanReferenceType) []opentracing.SpanReferenceType { return nil },
			[]string{"StartSpanReferences", "NilReferenceIgnored", "StartChildSpan"}},
		{"reports a root as ChildOf", func(r []opentracing.SpanReferenceType) []opentracing.SpanReferenceType {
			if len(r) == 0 {
				return []opentracing.SpanReferenceType{opentracing.ChildOfRef}
			}
			return r
		}, []string{"StartSpanReferences", "NilReferenceIgnored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := run(newRefTracer(breakage{}), harness.CheckEverything(), harness.UseProbe(editedProbe{refProbe{}, tt.give}))
			assert.ElementsMatch(t, tt.wantFailed, out.failed, "messages: %v", out.msgs)
		})
	}
}

// editedProbe is refProbe with its ReferenceTypes answers passed through
// edit.
type editedProbe struct {
	refProbe
	edit func([]opentracing.SpanReferenceType) []opentracing.SpanReferenceType
}

func (p editedProbe) ReferenceTypes(s opentracing.Span) []opentracing.SpanReferenceType {
	return p.edit(p.refProbe.ReferenceTypes(s))
}

func TestAPIChecks_NamesAreUniqueAndNeedsAreNamed(t *testing.T) {
	checks := harness.APIChecks(newNoop)
	require.NotEmpty(t, checks)
	var names []string
	for _, c := range checks {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	assert.Equal(t, len(names), len(slices.Compact(names)), "duplicate check names: %v", names)
	byName := map[string]harness.Check{}
	for _, c := range harness.APIChecks(newNoop, harness.CheckInject(true), harness.CheckInject(false), harness.CheckExtract(true)) {
		byName[c.Name] = c
	}
	assert.Equal(t, "CheckBaggageValues(true), CheckInject(true)", byName["BaggagePropagationTextMap"].Needs)
	assert.Equal(t, "", byName["ExtractNotFound"].Needs)
	assert.Equal(t, "CheckScopeManager(true), UseProbe", byName["IgnoreActiveSpan"].Needs)
}

func TestAPIChecks_NilTracerAndPanicsAreFailures(t *testing.T) {
	out := run(func() (opentracing.Tracer, func()) { return nil, nil })
	assert.Len(t, out.failed, len(harness.APIChecks(newNoop))-len(out.skipped))

	closed := 0
	var mu sync.Mutex
	panicky := func() (opentracing.Tracer, func()) {
		return panicTracer{}, func() { mu.Lock(); closed++; mu.Unlock() }
	}
	out = run(panicky)
	assert.Contains(t, out.failed, "StartSpanFinish")
	require.NotEmpty(t, out.msgs["StartSpanFinish"])
	assert.Contains(t, out.msgs["StartSpanFinish"][0], "panic: boom")
	assert.Equal(t, len(harness.APIChecks(newNoop))-len(out.skipped), closed, "the closer runs after every check that ran")
}

// panicTracer is a NoopTracer whose StartSpan panics.
type panicTracer struct{ opentracing.NoopTracer }

func (panicTracer) StartSpan(string, ...opentracing.StartSpanOption) opentracing.Span { panic("boom") }
