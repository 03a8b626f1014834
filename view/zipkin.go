package view

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// zipkinSpan is a span of the Zipkin v2 API (openzipkin/zipkin-api,
// zipkin2-api.yaml).
type (
	zipkinSpan struct {
		TraceID       string             `json:"traceId"`
		ID            string             `json:"id"`
		ParentID      string             `json:"parentId,omitempty"`
		Name          string             `json:"name"`
		Kind          string             `json:"kind,omitempty"`
		Timestamp     uint64             `json:"timestamp"`
		Duration      uint64             `json:"duration"`
		LocalEndpoint zipkinEndpoint     `json:"localEndpoint"`
		Annotations   []zipkinAnnotation `json:"annotations,omitempty"`
		Tags          map[string]string  `json:"tags"`
	}
	zipkinEndpoint struct {
		ServiceName string `json:"serviceName"`
	}
	zipkinAnnotation struct {
		Timestamp uint64 `json:"timestamp"`
		Value     string `json:"value"`
	}
)

// WriteZipkin writes the run's spans as a Zipkin v2 span list (the JSON
// POST /api/v2/spans takes and the Zipkin UI's upload opens). The
// mapping:
//
//   - traceId, id and parentId are 16 lower-case hex digits; parentId is
//     the span's parent (its first reference, as MockTracer has it), of
//     either type;
//   - Zipkin has no FOLLOWS_FROM and a single parent: every reference is
//     also a tag, "opentracing.ref.N" = "FOLLOWS_FROM 000000000000000a";
//   - timestamp and duration are virtual microseconds since the Unix
//     epoch; Zipkin's duration is at least 1, so a span of no virtual time
//     lasts 1 µs;
//   - tags are strings (Zipkin has no other type); span.kind client,
//     server, producer or consumer becomes kind and is dropped from tags;
//   - logs are annotations, "key=value key=value";
//   - localEndpoint.serviceName is the task that started the span, and the
//     sim.* tags of every export say where it started and finished.
func WriteZipkin(w io.Writer, r *Run) error {
	out := []zipkinSpan{}
	for _, s := range r.Spans {
		zs := zipkinSpan{
			TraceID: hex16(s.TraceID), ID: hex16(s.SpanID), Name: s.Operation,
			Timestamp: micros(r, s.Start), Duration: max(spanMicros(r, s), 1),
			LocalEndpoint: zipkinEndpoint{ServiceName: serviceName(r, s.Start.Task)},
			Tags:          map[string]string{},
		}
		if s.ParentID != 0 {
			zs.ParentID = hex16(s.ParentID)
		}
		for _, f := range slices.Concat(s.Tags, simTags(s)) {
			if f.Key == "span.kind" {
				if k := zipkinKind(f.Value); k != "" {
					zs.Kind = k
					continue
				}
			}
			zs.Tags[f.Key] = f.Value
		}
		for i, ref := range s.Refs {
			zs.Tags[fmt.Sprintf("opentracing.ref.%d", i)] = string(ref.Type) + " " + hex16(ref.SpanID)
		}
		for _, lg := range s.Logs {
			var parts []string
			for _, f := range lg.Fields {
				parts = append(parts, f.Key+"="+f.Value)
			}
			zs.Annotations = append(zs.Annotations, zipkinAnnotation{Timestamp: micros(r, Point{At: lg.At}), Value: strings.Join(parts, " ")})
		}
		out = append(out, zs)
	}
	return writeJSON(w, out)
}

// zipkinKind maps OpenTracing's span.kind to Zipkin's kind.
func zipkinKind(kind string) string {
	switch kind {
	case "client", "server", "producer", "consumer":
		return strings.ToUpper(kind)
	}
	return ""
}
