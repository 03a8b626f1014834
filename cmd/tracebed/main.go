// Command tracebed explores the concurrency scenarios of the tracebed
// testbed under the deterministic scheduler. Until the testbed lands it
// prints the package map.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	_ = args
	_ = stderr
	fmt.Fprintln(stdout, `tracebed — the OpenTracing API in Go, and a deterministic simulation testbed

packages:
  opentracing/          the API: Tracer, Span, SpanContext, Scope, ScopeManager, Inject/Extract
  opentracing/ext       standard tags with typed setters
  opentracing/log       typed log fields
  opentracing/harness   API checks any tracer can run from its own tests
  mocktracer/           a recording tracer for tests
  scope/                scope managers (goroutine-local, task-local, inheriting, stack-context, ctx)
  sim/                  the deterministic scheduler`)
	return 0
}
