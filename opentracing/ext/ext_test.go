package ext_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
	"github.com/tracebed/tracebed/opentracing/ext"
	"github.com/tracebed/tracebed/opentracing/log"
)

// recordingSpan is a no-op span that records tags and logged fields.
type recordingSpan struct {
	opentracing.Span
	tags map[string]any
	logs [][]log.Field
}

func newRecordingSpan() *recordingSpan {
	return &recordingSpan{Span: opentracing.NoopTracer{}.StartSpan("x"), tags: map[string]any{}}
}

func (s *recordingSpan) SetTag(k string, v any) opentracing.Span { s.tags[k] = v; return s }
func (s *recordingSpan) LogFields(f ...log.Field)                { s.logs = append(s.logs, f) }

func TestTagNames_Set(t *testing.T) {
	tests := []struct {
		name    string
		set     func(opentracing.Span)
		wantKey string
		want    any
	}{
		{"span.kind client", func(s opentracing.Span) { ext.SpanKind.Set(s, ext.SpanKindRPCClientEnum) }, "span.kind", "client"},
		{"span.kind server", func(s opentracing.Span) { ext.SpanKindRPCServer.Set(s) }, "span.kind", "server"},
		{"span.kind producer", func(s opentracing.Span) { ext.SpanKindProducer.Set(s) }, "span.kind", "producer"},
		{"span.kind consumer", func(s opentracing.Span) { ext.SpanKindConsumer.Set(s) }, "span.kind", "consumer"},
		{"component", func(s opentracing.Span) { ext.Component.Set(s, "grpc") }, "component", "grpc"},
		{"error", func(s opentracing.Span) { ext.Error.Set(s, true) }, "error", true},
		{"sampling.priority", func(s opentracing.Span) { ext.SamplingPriority.Set(s, 1) }, "sampling.priority", uint16(1)},
		{"peer.service", func(s opentracing.Span) { ext.PeerService.Set(s, "db") }, "peer.service", "db"},
		{"peer.hostname", func(s opentracing.Span) { ext.PeerHostname.Set(s, "h") }, "peer.hostname", "h"},
		{"peer.ipv4", func(s opentracing.Span) { ext.PeerHostIPv4.Set(s, 0x7f000001) }, "peer.ipv4", uint32(0x7f000001)},
		{"peer.ipv4 string", func(s opentracing.Span) { ext.PeerHostIPv4.SetString(s, "10.1.2.3") }, "peer.ipv4", uint32(0x0a010203)},
		{"peer.ipv4 bad string", func(s opentracing.Span) { ext.PeerHostIPv4.SetString(s, "::1") }, "peer.ipv4", "::1"},
		{"peer.ipv6", func(s opentracing.Span) { ext.PeerHostIPv6.Set(s, "::1") }, "peer.ipv6", "::1"},
		{"peer.port", func(s opentracing.Span) { ext.PeerPort.Set(s, 8080) }, "peer.port", uint16(8080)},
		{"peer.address", func(s opentracing.Span) { ext.PeerAddress.Set(s, "h:1") }, "peer.address", "h:1"},
		{"http.url", func(s opentracing.Span) { ext.HTTPUrl.Set(s, "/x") }, "http.url", "/x"},
		{"http.method", func(s opentracing.Span) { ext.HTTPMethod.Set(s, "GET") }, "http.method", "GET"},
		{"http.status_code", func(s opentracing.Span) { ext.HTTPStatusCode.Set(s, 404) }, "http.status_code", uint16(404)},
		{"db.instance", func(s opentracing.Span) { ext.DBInstance.Set(s, "customers") }, "db.instance", "customers"},
		{"db.statement", func(s opentracing.Span) { ext.DBStatement.Set(s, "SELECT 1") }, "db.statement", "SELECT 1"},
		{"db.type", func(s opentracing.Span) { ext.DBType.Set(s, "sql") }, "db.type", "sql"},
		{"db.user", func(s opentracing.Span) { ext.DBUser.Set(s, "u") }, "db.user", "u"},
		{"message_bus.destination", func(s opentracing.Span) { ext.MessageBusDestination.Set(s, "q") }, "message_bus.destination", "q"},
		{"uint32", func(s opentracing.Span) { ext.Uint32TagName("custom").Set(s, 7) }, "custom", uint32(7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := newRecordingSpan()
			tt.set(sp)
			assert.Equal(t, map[string]any{tt.wantKey: tt.want}, sp.tags)
		})
	}
}

func TestSpanKindTags_AreStartOptionsWithPlainStrings(t *testing.T) {
	var o opentracing.StartSpanOptions
	ext.SpanKindRPCClient.Apply(&o)
	assert.Equal(t, map[string]any{"span.kind": "client"}, o.Tags)
	assert.IsType(t, "", o.Tags["span.kind"], "tag values must be plain strings, which every tracer supports")
}

func TestRPCServerOption(t *testing.T) {
	parent := opentracing.NoopTracer{}.StartSpan("client").Context()
	o := opentracing.NewStartSpanOptions(nil, ext.RPCServerOption(parent))
	require.Len(t, o.References, 1)
	assert.Equal(t, opentracing.ChildOfRef, o.References[0].Type)
	assert.Equal(t, "server", o.Tags["span.kind"])

	o = opentracing.NewStartSpanOptions(nil, ext.RPCServerOption(nil))
	assert.Empty(t, o.References, "a nil client context is ignored")
	assert.Equal(t, "server", o.Tags["span.kind"])
}

func TestLogError(t *testing.T) {
	sp := newRecordingSpan()
	err := fmt.Errorf("open config: %w", fs.ErrNotExist)
	ext.LogError(sp, err, log.Int("attempt", 2))

	assert.Equal(t, map[string]any{"error": true}, sp.tags)
	require.Len(t, sp.logs, 1)
	got := map[string]any{}
	var keys []string
	for _, f := range sp.logs[0] {
		got[f.Key()] = f.Value()
		keys = append(keys, f.Key())
	}
	assert.Equal(t, []string{log.KeyEvent, log.KeyErrorKind, log.KeyErrorObject, log.KeyMessage, "attempt"}, keys)
	assert.Equal(t, "error", got[log.KeyEvent])
	assert.Equal(t, "*fmt.wrapError", got[log.KeyErrorKind])
	assert.True(t, errors.Is(got[log.KeyErrorObject].(error), fs.ErrNotExist), "error.object holds the error itself")
	assert.Equal(t, "open config: file does not exist", got[log.KeyMessage])
	assert.Equal(t, 2, got["attempt"])
}

func TestLogError_NilDoesNothing(t *testing.T) {
	sp := newRecordingSpan()
	ext.LogError(sp, nil)
	assert.Empty(t, sp.tags)
	assert.Empty(t, sp.logs)
}
