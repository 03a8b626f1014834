package opentracing_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracebed/tracebed/opentracing"
)

func collect(t *testing.T, r opentracing.TextMapReader) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	require.NoError(t, r.ForeachKey(func(k, v string) error {
		got[k] = append(got[k], v)
		return nil
	}))
	return got
}

func TestTextMapCarrier(t *testing.T) {
	c := opentracing.TextMapCarrier{}
	c.Set("Key", "v1")
	c.Set("key", "v2")
	c.Set("Key", "v3")
	c.Set("ключ ☃", "значение")
	assert.Equal(t, map[string][]string{"Key": {"v3"}, "key": {"v2"}, "ключ ☃": {"значение"}}, collect(t, c),
		"TextMap keys are case-sensitive and unrestricted; Set overwrites")
	assert.Empty(t, collect(t, opentracing.TextMapCarrier(nil)), "a nil map reads as empty")
}

func TestHTTPHeadersCarrier_CaseInsensitive(t *testing.T) {
	h := http.Header{}
	c := opentracing.HTTPHeadersCarrier(h)
	c.Set("ot-tracer-traceid", "1")
	c.Set("OT-TRACER-TRACEID", "2")
	assert.Equal(t, "2", h.Get("Ot-Tracer-Traceid"), "Set canonicalises, so differently cased keys are one header")
	assert.Equal(t, map[string][]string{"Ot-Tracer-Traceid": {"2"}}, collect(t, c))
}

func TestHTTPHeadersCarrier_MultiValued(t *testing.T) {
	c := opentracing.HTTPHeadersCarrier{"Accept": {"a", "b"}}
	assert.Equal(t, map[string][]string{"Accept": {"a", "b"}}, collect(t, c), "every value of a multi-valued header is passed")
}

func TestForeachKey_ErrorStops(t *testing.T) {
	errStop := errors.New("stop")
	tests := []struct {
		name string
		give opentracing.TextMapReader
	}{
		{"TextMapCarrier", opentracing.TextMapCarrier{"a": "1", "b": "2", "c": "3"}},
		{"HTTPHeadersCarrier", opentracing.HTTPHeadersCarrier{"A": {"1", "2"}, "B": {"3"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := tt.give.ForeachKey(func(k, v string) error {
				calls++
				return errStop
			})
			assert.ErrorIs(t, err, errStop)
			assert.Equal(t, 1, calls, "ForeachKey stops at the first error")
		})
	}
}

func TestSentinelErrors(t *testing.T) {
	all := []error{
		opentracing.ErrUnsupportedFormat, opentracing.ErrSpanContextNotFound, opentracing.ErrInvalidSpanContext,
		opentracing.ErrInvalidCarrier, opentracing.ErrSpanContextCorrupted,
	}
	for i, a := range all {
		assert.Regexp(t, "^opentracing: ", a.Error())
		for j, b := range all {
			assert.Equal(t, i == j, errors.Is(a, b), "%v vs %v", a, b)
		}
	}
}
