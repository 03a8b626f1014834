// Package faketb provides a test double for testing.TB-like interfaces
// (sim.TB, rapid.TB): it records what a checker reports instead of failing
// the test, so that a test can assert that the checker fails, and how.
package faketb

import "fmt"

// TB records logs and failures. Fatalf and FailNow do not stop the
// goroutine: a checker under test must return on its own after reporting.
type TB struct {
	// TestName is what Name returns.
	TestName string
	// Logs holds every Log and Logf line, in order.
	Logs []string
	// Errors is the concatenated text of every Error, Errorf, Fatal and
	// Fatalf call.
	Errors string

	failed bool
}

// New returns a TB whose Name is name.
func New(name string) *TB { return &TB{TestName: name} }

// Helper does nothing.
func (f *TB) Helper() {}

// Name returns TestName.
func (f *TB) Name() string { return f.TestName }

// Logf records a log line.
func (f *TB) Logf(format string, args ...any) { f.Logs = append(f.Logs, fmt.Sprintf(format, args...)) }

// Log records a log line.
func (f *TB) Log(args ...any) { f.Logs = append(f.Logs, fmt.Sprint(args...)) }

// Errorf records a failure.
func (f *TB) Errorf(format string, args ...any) {
	f.failed = true
	f.Errors += fmt.Sprintf(format, args...)
}

// Error records a failure.
func (f *TB) Error(args ...any) { f.failed = true; f.Errors += fmt.Sprint(args...) }

// Fatalf records a failure (it does not stop the goroutine).
func (f *TB) Fatalf(format string, args ...any) { f.Errorf(format, args...) }

// Fatal records a failure (it does not stop the goroutine).
func (f *TB) Fatal(args ...any) { f.Error(args...) }

// Skipf does nothing.
func (f *TB) Skipf(string, ...any) {}

// Skip does nothing.
func (f *TB) Skip(...any) {}

// SkipNow does nothing.
func (f *TB) SkipNow() {}

// FailNow marks the test failed (it does not stop the goroutine).
func (f *TB) FailNow() { f.failed = true }

// Fail marks the test failed.
func (f *TB) Fail() { f.failed = true }

// Failed reports whether a failure was recorded.
func (f *TB) Failed() bool { return f.failed }
