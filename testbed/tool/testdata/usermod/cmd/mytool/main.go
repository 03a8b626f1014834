// Command mytool is tracebed's tool with this module's scenario in it:
// go run ./cmd/mytool list | run | replay | diff, as cmd/tracebed.
package main

import (
	"os"

	"example.com/usermod/mine"
	"github.com/tracebed/tracebed/testbed/tool"
)

func main() {
	os.Exit(tool.Main(os.Args[1:], os.Stdout, os.Stderr, tool.WithScenarios(mine.Scenario)))
}
