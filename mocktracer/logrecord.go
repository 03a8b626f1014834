package mocktracer

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tracebed/tracebed/opentracing/log"
)

// MockLogRecord is one log record of a MockSpan.
type MockLogRecord struct {
	// Timestamp is the time given to LogFieldsAt or in a record of
	// FinishOptions.LogRecords; without one, the tracer's clock when the
	// record was logged (for a finish record, the finish time).
	Timestamp time.Time
	// Fields are the logged fields, in the order given.
	Fields []MockKeyValue
}

// MockKeyValue is one logged field, with its value rendered as a string.
type MockKeyValue struct {
	// Key is the field's key.
	Key string
	// ValueKind names the value's type: "string", "bool", "int", "int32",
	// "int64", "uint32", "uint64", "float32", "float64" or "object" (error
	// values are "string", rendered with Error()).
	ValueKind string
	// ValueString is the value rendered with strconv (fmt.Sprint for
	// objects).
	ValueString string
}

// kvEncoder implements log.Encoder by appending MockKeyValues.
type kvEncoder struct{ out []MockKeyValue }

var _ log.Encoder = (*kvEncoder)(nil)

func (e *kvEncoder) add(key, kind, value string) {
	e.out = append(e.out, MockKeyValue{Key: key, ValueKind: kind, ValueString: value})
}

func (e *kvEncoder) EmitString(key, value string) { e.add(key, "string", value) }
func (e *kvEncoder) EmitBool(key string, value bool) {
	e.add(key, "bool", strconv.FormatBool(value))
}
func (e *kvEncoder) EmitInt(key string, value int) { e.add(key, "int", strconv.Itoa(value)) }
func (e *kvEncoder) EmitInt32(key string, value int32) {
	e.add(key, "int32", strconv.FormatInt(int64(value), 10))
}
func (e *kvEncoder) EmitInt64(key string, value int64) {
	e.add(key, "int64", strconv.FormatInt(value, 10))
}
func (e *kvEncoder) EmitUint32(key string, value uint32) {
	e.add(key, "uint32", strconv.FormatUint(uint64(value), 10))
}
func (e *kvEncoder) EmitUint64(key string, value uint64) {
	e.add(key, "uint64", strconv.FormatUint(value, 10))
}
func (e *kvEncoder) EmitFloat32(key string, value float32) {
	e.add(key, "float32", strconv.FormatFloat(float64(value), 'g', -1, 32))
}
func (e *kvEncoder) EmitFloat64(key string, value float64) {
	e.add(key, "float64", strconv.FormatFloat(value, 'g', -1, 64))
}
func (e *kvEncoder) EmitObject(key string, value any) { e.add(key, "object", fmt.Sprint(value)) }
func (e *kvEncoder) EmitLazyLogger(value log.LazyLogger) {
	if value != nil {
		value(e)
	}
}

// fieldsToKV renders typed fields.
func fieldsToKV(fields []log.Field) []MockKeyValue {
	if len(fields) == 0 {
		return nil
	}
	e := kvEncoder{out: make([]MockKeyValue, 0, len(fields))}
	for _, f := range fields {
		f.Marshal(&e)
	}
	return e.out
}

// kvToKV renders LogKV arguments with the types log.InterleavedKVToFields
// gives them, without building the intermediate []log.Field for the
// common types. A malformed list becomes one "error" field.
func kvToKV(kv []any) []MockKeyValue {
	if len(kv)%2 != 0 {
		return errorKV(kv)
	}
	out := make([]MockKeyValue, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			return errorKV(kv)
		}
		var kind, val string
		switch v := kv[i+1].(type) {
		case string:
			kind, val = "string", v
		case bool:
			kind, val = "bool", strconv.FormatBool(v)
		case int:
			kind, val = "int", strconv.Itoa(v)
		case int32:
			kind, val = "int32", strconv.FormatInt(int64(v), 10)
		case int64:
			kind, val = "int64", strconv.FormatInt(v, 10)
		case uint32:
			kind, val = "uint32", strconv.FormatUint(uint64(v), 10)
		case uint64:
			kind, val = "uint64", strconv.FormatUint(v, 10)
		case float64:
			kind, val = "float64", strconv.FormatFloat(v, 'g', -1, 64)
		default:
			// The rarer types take the general path, which keeps the
			// mapping identical to log.InterleavedKVToFields.
			fields, err := log.InterleavedKVToFields(key, v)
			if err != nil {
				return errorKV(kv)
			}
			out = append(out, fieldsToKV(fields)...)
			continue
		}
		out = append(out, MockKeyValue{Key: key, ValueKind: kind, ValueString: val})
	}
	return out
}

// errorKV describes a malformed LogKV list as one "error" field.
func errorKV(kv []any) []MockKeyValue {
	_, err := log.InterleavedKVToFields(kv...)
	msg := "malformed LogKV arguments"
	if err != nil {
		msg = err.Error()
	}
	return []MockKeyValue{{Key: "error", ValueKind: "string", ValueString: msg}}
}
