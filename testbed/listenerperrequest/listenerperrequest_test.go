package listenerperrequest_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/listenerperrequest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestListenerPerRequest(t *testing.T) {
	env.Test(t, listenerperrequest.Scenario, env.Config{})
}

func TestListenerPerRequestBroken(t *testing.T) {
	env.TestBroken(t, listenerperrequest.Scenario)
}

// TestBrokenVariantsOdds pins down that both broken variants are
// interleaving bugs: a shared listener is right when each response is
// handled before the next request is sent, a leaky manager when the
// listeners do not overlap.
func TestBrokenVariantsOdds(t *testing.T) {
	env.TestBrokenOdds(t, listenerperrequest.Scenario, map[string]bool{"sharedlistener": false, "leaky": false})
}
