// Package errorreporting is the error-reporting scenario of the testbed
// (Java error_reporting, with Python's error hook on exit): a failure is
// recorded on the span it happened in — the tag error=true and a log
// record with event=error, message, error.kind, error.object and stack —
// in the four cases of the Java test:
//
//   - simple: a function returns an error from inside its active span;
//   - callback: a callback on another task panics inside its span; the
//     panic is recorded, the scope closed, and the panic goes on to the
//     task's runner, which recovers the very value;
//   - retry: a call retried until it gives up, each attempt recorded in a
//     span of its own under the call's span, which records the give-up;
//   - layer: an instrumentation layer re-activates, on the task it runs
//     on, the span that was active where the work was submitted, and
//     reports the error the work returned — an error it did not raise.
//
// Every case records through the Go form of Python's Span.__exit__ and
// Scope.__exit__, ext.Finish and ext.Close, deferred directly. The checks
// are the Java test's (the error tag, one log per failed attempt with
// event and error.object) plus all five fields of the Python hook, the
// parent links and the panic value.
//
// See README.md for the pattern on each platform, a timeline of one run and
// the bugs you get with a defer that records too early.
package errorreporting
