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

// TestBrokenVariantsOdds pins down which broken variants depend on the
// interleaving: with noextract the client's span is never active when the
// server starts its own, so every schedule fails; noextractawait's client
// yields in its span, and the server picks the right parent by luck on
// some schedules.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, clientserver.Scenario, map[string]bool{"noextract": true, "noextractawait": false})
}
