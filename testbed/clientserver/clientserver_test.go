package clientserver_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/clientserver"
	"github.com/tracebed/tracebed/testbed/env"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestClientServer(t *testing.T) {
	env.Test(t, clientserver.Scenario, env.Config{})
}

func TestClientServerBroken(t *testing.T) {
	env.TestBroken(t, clientserver.Scenario)
}
