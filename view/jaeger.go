package view

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// The Jaeger document is the jaeger-query API response that the Jaeger
// UI's "upload JSON" opens (jaegertracing/jaeger model/json).
type (
	jaegerDoc struct {
		Data []jaegerTrace `json:"data"`
	}
	jaegerTrace struct {
		TraceID   string                   `json:"traceID"`
		Spans     []jaegerSpan             `json:"spans"`
		Processes map[string]jaegerProcess `json:"processes"`
		Warnings  []string                 `json:"warnings"`
	}
	jaegerSpan struct {
		TraceID       string      `json:"traceID"`
		SpanID        string      `json:"spanID"`
		Flags         int         `json:"flags"`
		OperationName string      `json:"operationName"`
		References    []jaegerRef `json:"references"`
		StartTime     uint64      `json:"startTime"`
		Duration      uint64      `json:"duration"`
		Tags          []jaegerKV  `json:"tags"`
		Logs          []jaegerLog `json:"logs"`
		ProcessID     string      `json:"processID"`
		Warnings      []string    `json:"warnings"`
	}
	jaegerRef struct {
		RefType string `json:"refType"`
		TraceID string `json:"traceID"`
		SpanID  string `json:"spanID"`
	}
	jaegerKV struct {
		Key   string `json:"key"`
		Type  string `json:"type"`
		Value any    `json:"value"`
	}
	jaegerLog struct {
		Timestamp uint64     `json:"timestamp"`
		Fields    []jaegerKV `json:"fields"`
	}
	jaegerProcess struct {
		ServiceName string     `json:"serviceName"`
		Tags        []jaegerKV `json:"tags"`
	}
)

// WriteJaeger writes the run's spans as the JSON the Jaeger UI uploads
// ({"data":[trace...]}, one trace per trace id). The mapping:
//
//   - ids are lower-case hex, 16 digits; startTime, duration and log
//     timestamps are the virtual times in microseconds since the Unix
//     epoch (the run's epoch plus its virtual time);
//   - references keep their type, CHILD_OF or FOLLOWS_FROM;
//   - tags keep their type (string, bool, int64, float64); log fields too;
//   - each task that started spans is a process, serviceName "task 2
//     worker"; the process of spans of no task is "tracebed";
//   - sim tags are added: sim.start_step, sim.finish_step, sim.start_task,
//     sim.finish_task, and sim.unfinished for a span never finished.
func WriteJaeger(w io.Writer, r *Run) error {
	var doc jaegerDoc
	byTrace := map[uint64]*jaegerTrace{}
	var order []uint64
	for _, s := range r.Spans {
		t := byTrace[s.TraceID]
		if t == nil {
			t = &jaegerTrace{TraceID: hex16(s.TraceID), Processes: map[string]jaegerProcess{}, Warnings: []string{}}
			byTrace[s.TraceID] = t
			order = append(order, s.TraceID)
		}
		pid := "p" + strconv.Itoa(s.Start.Task+1)
		t.Processes[pid] = jaegerProcess{ServiceName: serviceName(r, s.Start.Task), Tags: []jaegerKV{{Key: "tracebed.run", Type: "string", Value: r.Title}}}
		js := jaegerSpan{
			TraceID: hex16(s.TraceID), SpanID: hex16(s.SpanID), Flags: 1, OperationName: s.Operation,
			References: []jaegerRef{}, StartTime: micros(r, s.Start), Duration: spanMicros(r, s),
			Tags: []jaegerKV{}, Logs: []jaegerLog{}, ProcessID: pid, Warnings: []string{},
		}
		for _, ref := range s.Refs {
			js.References = append(js.References, jaegerRef{RefType: string(ref.Type), TraceID: hex16(ref.TraceID), SpanID: hex16(ref.SpanID)})
		}
		for _, f := range slices.Concat(s.Tags, simTags(s)) {
			js.Tags = append(js.Tags, jaegerField(f))
		}
		for _, lg := range s.Logs {
			jl := jaegerLog{Timestamp: micros(r, Point{At: lg.At}), Fields: []jaegerKV{}}
			for _, f := range lg.Fields {
				jl.Fields = append(jl.Fields, jaegerField(f))
			}
			js.Logs = append(js.Logs, jl)
		}
		t.Spans = append(t.Spans, js)
	}
	doc.Data = []jaegerTrace{}
	for _, id := range order {
		doc.Data = append(doc.Data, *byTrace[id])
	}
	return writeJSON(w, doc)
}

// jaegerField keeps a field's type: a JSON number for int64 and float64,
// a boolean for bool.
func jaegerField(f Field) jaegerKV {
	kv := jaegerKV{Key: f.Key, Type: f.Type, Value: f.Value}
	switch f.Type {
	case "bool":
		kv.Value = f.Value == "true"
	case "int64":
		if n, err := strconv.ParseInt(f.Value, 10, 64); err == nil {
			kv.Value = n
		} else {
			kv.Type = "string"
		}
	case "float64":
		if x, err := strconv.ParseFloat(f.Value, 64); err == nil {
			kv.Value = x
		} else {
			kv.Type = "string"
		}
	}
	return kv
}

func hex16(id uint64) string { return fmt.Sprintf("%016x", id) }
func hex32(id uint64) string { return fmt.Sprintf("%032x", id) }

// micros is a point's virtual time as microseconds since the Unix epoch.
func micros(r *Run, p Point) uint64 { return uint64(r.Epoch.Add(p.At).UnixMicro()) }

// nanos is a point's virtual time as nanoseconds since the Unix epoch.
func nanos(r *Run, p Point) uint64 { return uint64(r.Epoch.Add(p.At).UnixNano()) }

// spanMicros is a span's virtual duration in microseconds.
func spanMicros(r *Run, s Span) uint64 { return micros(r, s.Finish) - micros(r, s.Start) }

// serviceName names the task that started a span, as a service.
func serviceName(r *Run, task int) string {
	if t, ok := r.Task(task); ok {
		return "task " + t.Label()
	}
	return "tracebed"
}

// simTags are the tags every export adds: where the span started and
// finished in the run.
func simTags(s Span) []Field {
	tags := []Field{
		{"sim.start_step", "int64", strconv.Itoa(s.Start.Step)},
		{"sim.start_task", "int64", strconv.Itoa(s.Start.Task)},
		{"sim.finish_step", "int64", strconv.Itoa(s.Finish.Step)},
		{"sim.finish_task", "int64", strconv.Itoa(s.Finish.Task)},
	}
	if !s.Finished {
		tags = append(tags, Field{"sim.unfinished", "bool", "true"})
	}
	return tags
}
