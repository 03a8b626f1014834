package view

import (
	"io"
	"slices"
	"strconv"
)

// The OTLP/JSON document (opentelemetry-proto trace.proto with the proto3
// JSON mapping: lowerCamelCase names, 64-bit integers as strings, ids as
// hex).
type (
	otlpDoc struct {
		ResourceSpans []otlpResourceSpans `json:"resourceSpans"`
	}
	otlpResourceSpans struct {
		Resource   otlpResource     `json:"resource"`
		ScopeSpans []otlpScopeSpans `json:"scopeSpans"`
	}
	otlpResource struct {
		Attributes []otlpKV `json:"attributes"`
	}
	otlpScopeSpans struct {
		Scope otlpScope  `json:"scope"`
		Spans []otlpSpan `json:"spans"`
	}
	otlpScope struct {
		Name string `json:"name"`
	}
	otlpSpan struct {
		TraceID           string      `json:"traceId"`
		SpanID            string      `json:"spanId"`
		ParentSpanID      string      `json:"parentSpanId,omitempty"`
		Name              string      `json:"name"`
		Kind              int         `json:"kind"`
		StartTimeUnixNano string      `json:"startTimeUnixNano"`
		EndTimeUnixNano   string      `json:"endTimeUnixNano"`
		Attributes        []otlpKV    `json:"attributes"`
		Events            []otlpEvent `json:"events,omitempty"`
		Links             []otlpLink  `json:"links,omitempty"`
		Status            otlpStatus  `json:"status"`
	}
	otlpKV struct {
		Key   string    `json:"key"`
		Value otlpValue `json:"value"`
	}
	otlpValue struct {
		StringValue *string  `json:"stringValue,omitempty"`
		BoolValue   *bool    `json:"boolValue,omitempty"`
		IntValue    *string  `json:"intValue,omitempty"`
		DoubleValue *float64 `json:"doubleValue,omitempty"`
	}
	otlpEvent struct {
		TimeUnixNano string   `json:"timeUnixNano"`
		Name         string   `json:"name"`
		Attributes   []otlpKV `json:"attributes"`
	}
	otlpLink struct {
		TraceID    string   `json:"traceId"`
		SpanID     string   `json:"spanId"`
		Attributes []otlpKV `json:"attributes"`
	}
	otlpStatus struct {
		Code int `json:"code,omitempty"`
	}
)

// OTLP span kinds (trace.proto SpanKind).
const (
	otlpInternal = 1
	otlpServer   = 2
	otlpClient   = 3
	otlpProducer = 4
	otlpConsumer = 5
)

// WriteOTLP writes the run's spans as OTLP/JSON (an ExportTraceServiceRequest:
// {"resourceSpans":[...]}, which recent Jaeger UIs also upload). The
// mapping:
//
//   - one resource per task that started spans, service.name "task 2
//     worker"; scope "tracebed/view";
//   - traceId is 32 hex digits (the 64-bit id, zero-padded), spanId and
//     parentSpanId 16; parentSpanId is the span's parent (its first
//     reference, as MockTracer has it);
//   - OTLP has no reference types: every reference other than the parent
//     is a link, and a link carries opentracing.ref_type "child_of" or
//     "follows_from" (the OpenTelemetry OpenTracing shim's attribute); a
//     FOLLOWS_FROM parent is a link as well as the parent;
//   - times are virtual nanoseconds since the Unix epoch, as strings;
//   - tags are attributes with their types (intValue a string, as proto3
//     JSON writes 64-bit integers); span.kind gives kind (server 2, client
//     3, producer 4, consumer 5, else internal 1); error=true gives status
//     code 2 (error);
//   - logs are events named by their "event" field ("log" without one),
//     the fields as attributes.
func WriteOTLP(w io.Writer, r *Run) error {
	doc := otlpDoc{ResourceSpans: []otlpResourceSpans{}}
	byTask := map[int]int{} // task -> index in doc.ResourceSpans
	for _, s := range r.Spans {
		i, ok := byTask[s.Start.Task]
		if !ok {
			i = len(doc.ResourceSpans)
			byTask[s.Start.Task] = i
			doc.ResourceSpans = append(doc.ResourceSpans, otlpResourceSpans{
				Resource:   otlpResource{Attributes: []otlpKV{otlpAttr(Field{"service.name", "string", serviceName(r, s.Start.Task)})}},
				ScopeSpans: []otlpScopeSpans{{Scope: otlpScope{Name: "tracebed/view"}, Spans: []otlpSpan{}}},
			})
		}
		os := otlpSpan{
			TraceID: hex32(s.TraceID), SpanID: hex16(s.SpanID), Name: s.Operation, Kind: otlpInternal,
			StartTimeUnixNano: strconv.FormatUint(nanos(r, s.Start), 10), EndTimeUnixNano: strconv.FormatUint(nanos(r, s.Finish), 10),
			Attributes: []otlpKV{},
		}
		if s.ParentID != 0 {
			os.ParentSpanID = hex16(s.ParentID)
		}
		for _, f := range slices.Concat(s.Tags, simTags(s)) {
			if f.Key == "span.kind" {
				if k, ok := map[string]int{"server": otlpServer, "client": otlpClient, "producer": otlpProducer, "consumer": otlpConsumer}[f.Value]; ok {
					os.Kind = k
				}
			}
			if f.Key == "error" && f.Value == "true" {
				os.Status.Code = 2
			}
			os.Attributes = append(os.Attributes, otlpAttr(f))
		}
		for k, ref := range s.Refs {
			if k == 0 && ref.Type == ChildOf && ref.SpanID == s.ParentID {
				continue // the parent
			}
			rt := map[RefType]string{ChildOf: "child_of", FollowsFrom: "follows_from"}[ref.Type]
			os.Links = append(os.Links, otlpLink{TraceID: hex32(ref.TraceID), SpanID: hex16(ref.SpanID),
				Attributes: []otlpKV{otlpAttr(Field{"opentracing.ref_type", "string", rt})}})
		}
		for _, lg := range s.Logs {
			ev := otlpEvent{TimeUnixNano: strconv.FormatUint(nanos(r, Point{At: lg.At}), 10), Name: "log", Attributes: []otlpKV{}}
			for _, f := range lg.Fields {
				if f.Key == "event" {
					ev.Name = f.Value
				}
				ev.Attributes = append(ev.Attributes, otlpAttr(f))
			}
			os.Events = append(os.Events, ev)
		}
		ss := &doc.ResourceSpans[i].ScopeSpans[0]
		ss.Spans = append(ss.Spans, os)
	}
	return writeJSON(w, doc)
}

// otlpAttr is a field as an attribute of its type.
func otlpAttr(f Field) otlpKV {
	kv := otlpKV{Key: f.Key}
	switch f.Type {
	case "bool":
		b := f.Value == "true"
		kv.Value.BoolValue = &b
		return kv
	case "int64":
		if _, err := strconv.ParseInt(f.Value, 10, 64); err == nil {
			v := f.Value
			kv.Value.IntValue = &v
			return kv
		}
	case "float64":
		if x, err := strconv.ParseFloat(f.Value, 64); err == nil {
			kv.Value.DoubleValue = &x
			return kv
		}
	}
	v := f.Value
	kv.Value.StringValue = &v
	return kv
}
