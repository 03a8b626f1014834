//lint:file-ignore SA1019 this file exercises the deprecated logging API on purpose.

package harness

import "github.com/tracebed/tracebed/opentracing"

func checkDeprecatedLogging(e *env) {
	sp := e.start("deprecated")
	sp.LogEvent("birthplace")
	sp.LogEventWithPayload("birthplace", map[string]string{"hospital": "Brooklyn Pre-Med Hospital"})
	sp.LogEventWithPayload("no payload", nil)
	sp.Log(opentracing.LogData{Event: "birthplace", Payload: 1})
	sp.Log(opentracing.LogData{Timestamp: epoch, Event: "timed"})
	sp.Finish()
}
