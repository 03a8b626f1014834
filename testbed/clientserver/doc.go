// Package clientserver is the client/server scenario of the testbed: a
// client starts a span, injects its context into a message in the TextMap
// format and puts the message on a queue; a server takes it, extracts the
// context and starts its own span as a child of the client's.
//
// The span context crosses the queue by value, so the pattern does not
// depend on how the active span propagates between tasks: it runs the same
// on every platform. The checks close the gap of the Python original, which
// never checked the trace or the parent link: exactly one client and one
// server span, in one trace, the server's a child of the client's.
//
// See README.md for the pattern, a timeline of one run and the bug you get
// when the server reads the active span instead of extracting.
package clientserver
