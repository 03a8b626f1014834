package ext_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/opentracing/log"
)

// finishingSpan is a recordingSpan that counts its Finish calls.
type finishingSpan struct {
	*recordingSpan
	finished int
}

func newFinishingSpan() *finishingSpan { return &finishingSpan{recordingSpan: newRecordingSpan()} }

func (s *finishingSpan) Finish()                                 { s.finished++ }
func (s *finishingSpan) SetTag(k string, v any) opentracing.Span { s.tags[k] = v; return s }

// fields returns the one log record's fields by key, and the keys in order.
func fields(t *testing.T, s *recordingSpan) (map[string]any, []string) {
	t.Helper()
	require.Len(t, s.logs, 1, "one error record")
	got := map[string]any{}
	var keys []string
	for _, f := range s.logs[0] {
		got[f.Key()] = f.Value()
		keys = append(keys, f.Key())
	}
	return got, keys
}

// assertRecorded checks Python's error hook: the tag and the five fields,
// value v itself as error.object, and a stack starting at function first.
func assertRecorded(t *testing.T, s *recordingSpan, v any, kind, message, first string) {
	t.Helper()
	assert.Equal(t, map[string]any{"error": true}, s.tags)
	got, keys := fields(t, s)
	assert.Equal(t, []string{log.KeyEvent, log.KeyErrorKind, log.KeyErrorObject, log.KeyMessage, log.KeyStack}, keys)
	assert.Equal(t, "error", got[log.KeyEvent])
	assert.Equal(t, kind, got[log.KeyErrorKind])
	assert.True(t, got[log.KeyErrorObject] == v, "error.object is the value itself: got %#v, want %#v", got[log.KeyErrorObject], v)
	assert.Equal(t, message, got[log.KeyMessage])
	stack, _ := got[log.KeyStack].(string)
	frame, _, _ := strings.Cut(stack, "\n")
	assert.Equal(t, "github.com/tracebed/tracebed/opentracing/ext_test."+first, frame, "the stack starts at the failing function:\n%s", stack)
	assert.Contains(t, stack, "ext_test.callWith", "the stack goes on with the callers")
	assert.NotContains(t, stack, "opentracing/ext.", "the hook's own frames are left out")
}

// callWith runs f and returns what it panicked with, if anything.
func callWith(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// plainError is an error compared by identity (a pointer).
type plainError struct{ msg string }

func (e *plainError) Error() string { return e.msg }

// returnsError returns err through a deferred Finish.
func returnsError(span opentracing.Span, ret error) (err error) {
	defer ext.Finish(span, &err)
	return ret
}

func TestFinish_ReturnedError(t *testing.T) {
	s := newFinishingSpan()
	want := &plainError{"disk full"}
	var got error
	require.Nil(t, callWith(func() { got = returnsError(s, want) }))
	assert.Same(t, want, got, "the error is returned unchanged")
	assert.Equal(t, 1, s.finished)
	assertRecorded(t, s.recordingSpan, error(want), "*ext_test.plainError", "disk full", "returnsError")
}

func TestFinish_SuccessRecordsNothing(t *testing.T) {
	s := newFinishingSpan()
	require.NoError(t, returnsError(s, nil))
	assert.Equal(t, 1, s.finished)
	assert.Empty(t, s.tags)
	assert.Empty(t, s.logs)

	s = newFinishingSpan()
	func() { defer ext.Finish(s, nil) }()
	assert.Equal(t, 1, s.finished, "a nil errp records panics only")
	assert.Empty(t, s.logs)
}

// panicsWith panics with v under a deferred Finish, with *err already set
// to an error that must not be recorded.
func panicsWith(span opentracing.Span, v any) (err error) {
	defer ext.Finish(span, &err)
	err = errors.New("not the result")
	panic(v)
}

func TestFinish_PanicRecordedAndRepanickedUnchanged(t *testing.T) {
	t.Run("error value", func(t *testing.T) {
		s := newFinishingSpan()
		v := &plainError{"bad state"}
		r := callWith(func() { _ = panicsWith(s, v) })
		require.NotNil(t, r, "the panic goes on")
		assert.True(t, r == any(v), "re-panicked with the very same value: got %#v", r)
		assert.Equal(t, 1, s.finished, "the span is finished before the panic goes on")
		assertRecorded(t, s.recordingSpan, any(v), "*ext_test.plainError", "bad state", "panicsWith")
	})
	t.Run("non-error value", func(t *testing.T) {
		s := newFinishingSpan()
		r := callWith(func() { _ = panicsWith(s, 42) })
		assert.Equal(t, 42, r)
		assertRecorded(t, s.recordingSpan, any(42), "int", "42", "panicsWith")
	})
	t.Run("panic(nil)", func(t *testing.T) {
		s := newFinishingSpan()
		r := callWith(func() { _ = panicsWith(s, nil) })
		var pe *runtime.PanicNilError
		require.True(t, errors.As(r.(error), &pe), "panic(nil) arrives as a *runtime.PanicNilError, got %#v", r)
		assert.Equal(t, 1, s.finished)
		got, _ := fields(t, s.recordingSpan)
		assert.True(t, got[log.KeyErrorObject] == r, "the recorded value is the one re-panicked")
		assertRecorded(t, s.recordingSpan, r, "*runtime.PanicNilError", pe.Error(), "panicsWith")
	})
}

// derefs panics with a nil pointer dereference (through runtime.sigpanic).
func derefs(span opentracing.Span, p *int) (n int, err error) {
	defer ext.Finish(span, &err)
	return *p, nil
}

// inLoop defers Finish in a loop, which the compiler cannot open-code: the
// call comes through runtime.deferreturn.
func inLoop(span opentracing.Span) (err error) {
	for range 1 {
		defer ext.Finish(span, &err)
	}
	return &plainError{"late"}
}

func TestFinish_StackStartsAtTheFailingFunction(t *testing.T) {
	s := newFinishingSpan()
	r := callWith(func() { _, _ = derefs(s, nil) })
	re, ok := r.(runtime.Error)
	require.True(t, ok, "got %#v", r)
	assertRecorded(t, s.recordingSpan, any(re), "runtime.errorString", re.Error(), "derefs")

	s = newFinishingSpan()
	var err error
	require.Nil(t, callWith(func() { err = inLoop(s) }))
	assertRecorded(t, s.recordingSpan, err, "*ext_test.plainError", "late", "inLoop")
}

// TestFinish_MustBeDeferredDirectly pins the documented limit: wrapped in
// another deferred function, Finish cannot recover, so the panic passes
// unrecorded; the span is still finished.
func TestFinish_MustBeDeferredDirectly(t *testing.T) {
	s := newFinishingSpan()
	r := callWith(func() {
		defer func() { ext.Finish(s, nil) }()
		panic("through")
	})
	assert.Equal(t, "through", r)
	assert.Equal(t, 1, s.finished)
	assert.Empty(t, s.logs)
}

func TestFinish_Goexit(t *testing.T) {
	s := newFinishingSpan()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer ext.Finish(s, nil)
		runtime.Goexit()
	}()
	<-done
	assert.Equal(t, 1, s.finished, "Goexit runs the deferred Finish")
	assert.Empty(t, s.logs, "Goexit is not a failure")
}

func TestFinish_NilSpan(t *testing.T) {
	r := callWith(func() { _ = panicsWith(nil, "still panics") })
	assert.Equal(t, "still panics", r)
	assert.NoError(t, returnsError(nil, nil))
}

// closesWith runs a body that returns ret or, if v is not nil, panics with
// v, under a deferred Close of scope.
func closesWith(scope opentracing.Scope, ret error, v any) (err error) {
	defer ext.Close(scope, &err)
	if v != nil {
		panic(v)
	}
	return ret
}

func TestClose(t *testing.T) {
	tests := []struct {
		name          string
		finishOnClose bool
		ret           error
		panicWith     any
	}{
		{"returned error, finish on close", true, &plainError{"refused"}, nil},
		{"returned error, keep open", false, &plainError{"refused"}, nil},
		{"panic, finish on close", true, nil, &plainError{"crash"}},
		{"panic, keep open", false, nil, &plainError{"crash"}},
		{"success", true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := mocktracer.New()
			outer := tr.StartActiveSpan("outer")
			scope := tr.StartActiveSpan("inner", opentracing.FinishOnClose(tt.finishOnClose))
			inner := scope.Span().(*mocktracer.MockSpan)
			var err error
			r := callWith(func() { err = closesWith(scope, tt.ret, tt.panicWith) })
			assert.True(t, r == tt.panicWith, "re-panicked with the very same value: got %#v", r)
			assert.True(t, tr.ScopeManager().Active() == outer, "the scope is closed: outer is active again")
			assert.Equal(t, tt.finishOnClose, inner.Finished(), "finishing is the scope's business")

			failure := tt.panicWith
			if failure == nil && tt.ret != nil {
				failure = tt.ret
				assert.Same(t, tt.ret, err)
			}
			if failure == nil {
				assert.Nil(t, inner.Tag("error"))
				assert.Empty(t, inner.Logs())
			} else {
				assert.Equal(t, true, inner.Tag("error"))
				require.Len(t, inner.Logs(), 1)
				var keys []string
				for _, f := range inner.Logs()[0].Fields {
					keys = append(keys, f.Key)
				}
				assert.Equal(t, []string{"event", "error.kind", "error.object", "message", "stack"}, keys)
				assert.Contains(t, inner.Logs()[0].Fields[4].ValueString, "ext_test.closesWith")
			}
			if !inner.Finished() {
				inner.Finish()
			}
			outer.Close()
			assert.Empty(t, tr.Misuses())
		})
	}
}

func TestClose_NilScope(t *testing.T) {
	r := callWith(func() { _ = closesWith(nil, nil, "still panics") })
	assert.Equal(t, "still panics", r)
	assert.EqualError(t, closesWith(nil, errors.New("x"), nil), "x", "returned as is")

	// A scope of a nil span (it hides the active span): closed, nothing
	// recorded, the panic goes on.
	tr := mocktracer.New()
	outer := tr.StartActiveSpan("outer")
	r = callWith(func() { _ = closesWith(tr.ScopeManager().Activate(nil, true), nil, "nil span") })
	assert.Equal(t, "nil span", r)
	assert.True(t, tr.ScopeManager().Active() == outer, "the nil span's scope is closed")
	outer.Close()
	assert.Empty(t, tr.Misuses())
	assert.Empty(t, outer.Span().(*mocktracer.MockSpan).Logs())
}
