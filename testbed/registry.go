package testbed

import (
	"github.com/tracebed/tracebed/testbed/activefinish"
	"github.com/tracebed/tracebed/testbed/activereplace"
	"github.com/tracebed/tracebed/testbed/actorpropagation"
	"github.com/tracebed/tracebed/testbed/clientserver"
	"github.com/tracebed/tracebed/testbed/commonrequest"
	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/errorreporting"
	"github.com/tracebed/tracebed/testbed/latespan"
	"github.com/tracebed/tracebed/testbed/listenerperrequest"
	"github.com/tracebed/tracebed/testbed/multiplecallbacks"
	"github.com/tracebed/tracebed/testbed/nestedcallbacks"
	"github.com/tracebed/tracebed/testbed/promisepropagation"
	"github.com/tracebed/tracebed/testbed/statelesshandler"
	"github.com/tracebed/tracebed/testbed/subtaskpropagation"
	"github.com/tracebed/tracebed/testbed/suspendresume"
)

// scenarios lists every scenario package's Scenario, in the order the
// packages were written; All sorts them by name.
var scenarios = []env.Scenario{
	clientserver.Scenario,
	commonrequest.Scenario,
	commonrequest.BadSolution,
	commonrequest.GoodSolution,
	latespan.Scenario,
	multiplecallbacks.Scenario,
	nestedcallbacks.Scenario,
	activefinish.Scenario,
	promisepropagation.Scenario,
	activereplace.Scenario,
	listenerperrequest.Scenario,
	subtaskpropagation.Scenario,
	actorpropagation.Scenario,
	errorreporting.Scenario,
	statelesshandler.Scenario,
	suspendresume.Scenario,
}
