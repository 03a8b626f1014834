package main

import (
	"os"

	"github.com/tracebed/tracebed/testbed/tool"
)

func main() {
	os.Exit(tool.Main(os.Args[1:], os.Stdout, os.Stderr))
}
