package check_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/opentracing/log"
	"github.com/tracebed/tracebed/testbed/check"
)

// failing returns err through ext.Finish on a span of tr named op.
func failing(tr opentracing.Tracer, op string, ret error) (err error) {
	span := tr.StartSpan(op)
	defer ext.Finish(span, &err)
	return ret
}

func TestErrorRecorded(t *testing.T) {
	tr := mocktracer.New()
	_ = failing(tr, "hook", errors.New("refused"))
	_ = failing(tr, "ok", nil)

	logged := tr.StartSpan("logged").(*mocktracer.MockSpan)
	ext.LogError(logged, errors.New("refused")) // no stack field
	logged.Finish()

	tagOnly := tr.StartSpan("tagonly").(*mocktracer.MockSpan)
	ext.Error.Set(tagOnly, true)
	tagOnly.Finish()

	logOnly := tr.StartSpan("logonly").(*mocktracer.MockSpan)
	logOnly.LogFields(log.Event("error"), log.Message("refused"), log.String(log.KeyErrorKind, "k"), log.Object(log.KeyErrorObject, "refused"))
	logOnly.Finish()

	twice := tr.StartSpan("twice").(*mocktracer.MockSpan)
	ext.LogError(twice, errors.New("refused"))
	ext.LogError(twice, errors.New("refused"))
	twice.Finish()

	noObject := tr.StartSpan("noobject").(*mocktracer.MockSpan)
	ext.Error.Set(noObject, true)
	noObject.LogFields(log.Event("error"), log.Message("refused"), log.String(log.KeyErrorKind, "k"))
	noObject.Finish()

	spans := map[string]*mocktracer.MockSpan{}
	for _, s := range tr.FinishedSpans() {
		spans[s.OperationName()] = s
	}
	hookWant := check.ErrorLog{Message: "refused", Kind: "*errors.errorString", Stack: true}
	tests := []struct {
		name string
		span string
		want check.ErrorLog
		ok   bool
	}{
		{"the hook's record", "hook", hookWant, true},
		{"any kind", "hook", check.ErrorLog{Message: "refused"}, true},
		{"wrong message", "hook", check.ErrorLog{Message: "timeout"}, false},
		{"wrong kind", "hook", check.ErrorLog{Message: "refused", Kind: "*fs.PathError"}, false},
		{"LogError without a stack", "logged", check.ErrorLog{Message: "refused", Kind: "*errors.errorString"}, true},
		{"LogError, a stack wanted", "logged", hookWant, false},
		{"nothing recorded", "ok", check.ErrorLog{Message: "refused"}, false},
		{"tag without log", "tagonly", check.ErrorLog{Message: "refused"}, false},
		{"log without tag", "logonly", check.ErrorLog{Message: "refused"}, false},
		{"two records", "twice", check.ErrorLog{Message: "refused"}, false},
		{"no error.object", "noobject", check.ErrorLog{Message: "refused"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertCheck(t, check.ErrorRecorded(spans[tt.span], tt.want), tt.ok) })
	}
	assertCheck(t, check.ErrorRecorded(nil, hookWant), false)

	assertCheck(t, check.NoErrorRecorded(spans["ok"]), true)
	for _, name := range []string{"hook", "tagonly", "logonly"} {
		assertCheck(t, check.NoErrorRecorded(spans[name]), false)
	}
	assertCheck(t, check.NoErrorRecorded(nil), false)

	assert.Len(t, check.ErrorLogs(spans["twice"]), 2, "one record per failure")
	assert.Empty(t, check.ErrorLogs(spans["ok"]))
	assert.Equal(t, []string{"error", "error"}, check.Events(spans["twice"]))
}
