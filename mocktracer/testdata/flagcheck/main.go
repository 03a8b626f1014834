// Command flagcheck prints the name of every flag on the command line of a
// program that uses a MockTracer: there should be none, since none of the
// packages it pulls in (scope, sim) may register test flags outside a test
// binary.
package main

import (
	"flag"
	"fmt"

	"github.com/tracebed/tracebed/mocktracer"
)

func main() {
	mocktracer.New().StartSpan("op").Finish()
	flag.VisitAll(func(f *flag.Flag) { fmt.Println(f.Name) })
}
