package check

import (
	"errors"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing/log"
)

// ErrorLog is what an error record on a span must hold: the fields of
// Python's error hook (Span.__exit__), which ext.Finish and ext.Close
// log, besides event=error.
type ErrorLog struct {
	// Message is the message field's value.
	Message string
	// Kind is the error.kind field's value (ext logs the Go type, as
	// "*errors.errorString"); empty means any non-empty kind.
	Kind string
	// Stack requires a non-empty stack field, as the error hook logs and
	// ext.LogError does not.
	Stack bool
}

// ErrorRecorded checks that s is marked failed as the error hook marks
// it: the tag error=true and exactly one log record with event=error,
// whose message, error.kind, error.object (and, if asked, stack) fields
// are as want says. The error.object is checked to render as the message,
// as an error value does.
func ErrorRecorded(s *mocktracer.MockSpan, want ErrorLog) error {
	if s == nil {
		return failf("error recorded: %s", name(s))
	}
	var errs []error
	if v := s.Tag("error"); v != true {
		errs = append(errs, failf("%s has tag error=%v, want true", name(s), v))
	}
	recs := ErrorLogs(s)
	if len(recs) != 1 {
		return errors.Join(append(errs, failf("%s has %d error log records, want 1", name(s), len(recs)))...)
	}
	fields := recs[0]
	expect := func(key, want string) {
		switch got, ok := fields[key]; {
		case !ok:
			errs = append(errs, failf("%s: the error record has no %s field", name(s), key))
		case want == "" && got == "":
			errs = append(errs, failf("%s: the error record's %s field is empty", name(s), key))
		case want != "" && got != want:
			errs = append(errs, failf("%s: the error record's %s is %q, want %q", name(s), key, got, want))
		}
	}
	expect(log.KeyMessage, want.Message)
	expect(log.KeyErrorKind, want.Kind)
	expect(log.KeyErrorObject, want.Message)
	if want.Stack {
		expect(log.KeyStack, "")
	}
	return errors.Join(errs...)
}

// NoErrorRecorded checks that s is not marked failed: no error tag and no
// error log record.
func NoErrorRecorded(s *mocktracer.MockSpan) error {
	if s == nil {
		return failf("no error recorded: %s", name(s))
	}
	var errs []error
	if v, ok := s.Tags()["error"]; ok {
		errs = append(errs, failf("%s has tag error=%v, want none", name(s), v))
	}
	if n := len(ErrorLogs(s)); n != 0 {
		errs = append(errs, failf("%s has %d error log records, want none", name(s), n))
	}
	return errors.Join(errs...)
}

// ErrorLogs returns the fields of each log record of s with event=error,
// by key, in log order: the records of LogError, ext.Finish and the like,
// one per failure recorded (one per failed attempt of a retried call).
func ErrorLogs(s *mocktracer.MockSpan) []map[string]string {
	var out []map[string]string
	for _, rec := range s.Logs() {
		fields := make(map[string]string, len(rec.Fields))
		for _, f := range rec.Fields {
			fields[f.Key] = f.ValueString
		}
		if fields[log.KeyEvent] == "error" {
			out = append(out, fields)
		}
	}
	return out
}

// Events returns the values of the event fields logged on s, in order.
func Events(s *mocktracer.MockSpan) []string {
	var out []string
	for _, rec := range s.Logs() {
		for _, f := range rec.Fields {
			if f.Key == log.KeyEvent {
				out = append(out, f.ValueString)
			}
		}
	}
	return out
}
