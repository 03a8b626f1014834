// Package bench compares tracebed with opentracing-go v1.2.0 and the
// OpenTelemetry Go SDK, side by side in one `go test -bench` run. It is a
// separate module so that the main module never depends on either; see
// README.md for the results.
package bench
