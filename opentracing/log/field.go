// Package log holds the typed fields of Span.LogFields and the standard log
// keys of the OpenTracing semantic conventions.
//
// A Field is a key and a typed value; building one allocates nothing for
// the scalar types. Tracers read fields through Field.Marshal and an
// Encoder, or through Field.Value.
package log

import (
	"fmt"
	"math"
)

type fieldType int

const (
	stringType fieldType = iota + 1
	boolType
	intType
	int32Type
	int64Type
	uint32Type
	uint64Type
	float32Type
	float64Type
	errorType
	objectType
	lazyLoggerType
	noopType
)

// Field is one key/value pair of a log record. Make it with a constructor
// (String, Int, Error, ...); the zero Field is not valid.
type Field struct {
	key          string
	fieldType    fieldType
	numericVal   int64
	stringVal    string
	interfaceVal any
}

// String returns a string-valued Field.
func String(key, val string) Field {
	return Field{key: key, fieldType: stringType, stringVal: val}
}

// Bool returns a bool-valued Field.
func Bool(key string, val bool) Field {
	var n int64
	if val {
		n = 1
	}
	return Field{key: key, fieldType: boolType, numericVal: n}
}

// Int returns an int-valued Field.
func Int(key string, val int) Field {
	return Field{key: key, fieldType: intType, numericVal: int64(val)}
}

// Int32 returns an int32-valued Field.
func Int32(key string, val int32) Field {
	return Field{key: key, fieldType: int32Type, numericVal: int64(val)}
}

// Int64 returns an int64-valued Field.
func Int64(key string, val int64) Field {
	return Field{key: key, fieldType: int64Type, numericVal: val}
}

// Uint32 returns a uint32-valued Field.
func Uint32(key string, val uint32) Field {
	return Field{key: key, fieldType: uint32Type, numericVal: int64(val)}
}

// Uint64 returns a uint64-valued Field.
func Uint64(key string, val uint64) Field {
	return Field{key: key, fieldType: uint64Type, numericVal: int64(val)}
}

// Float32 returns a float32-valued Field.
func Float32(key string, val float32) Field {
	return Field{key: key, fieldType: float32Type, numericVal: int64(math.Float32bits(val))}
}

// Float64 returns a float64-valued Field.
func Float64(key string, val float64) Field {
	return Field{key: key, fieldType: float64Type, numericVal: int64(math.Float64bits(val))}
}

// Error returns a Field with key "error" holding err (nil is allowed).
func Error(err error) Field {
	return Field{key: "error", fieldType: errorType, interfaceVal: err}
}

// Object returns a Field holding any value; tracers usually stringify it.
func Object(key string, obj any) Field {
	return Field{key: key, fieldType: objectType, interfaceVal: obj}
}

// Event returns the standard "event" field.
func Event(val string) Field { return String("event", val) }

// Message returns the standard "message" field.
func Message(val string) Field { return String("message", val) }

// LazyLogger emits fields only when a tracer decides to record them.
type LazyLogger func(fv Encoder)

// Lazy returns a Field that runs ll when the tracer encodes it, so that
// expensive fields cost nothing when the span is not recorded.
func Lazy(ll LazyLogger) Field {
	return Field{fieldType: lazyLoggerType, interfaceVal: ll}
}

// Noop returns a Field that encodes to nothing: useful to keep an argument
// list uniform.
func Noop() Field { return Field{fieldType: noopType} }

// Encoder receives the typed value of a Field from Field.Marshal.
type Encoder interface {
	// EmitString receives a String field, and an Error field as the
	// error's message ("<nil>" for a nil error).
	EmitString(key, value string)
	// EmitBool receives a Bool field.
	EmitBool(key string, value bool)
	// EmitInt receives an Int field.
	EmitInt(key string, value int)
	// EmitInt32 receives an Int32 field.
	EmitInt32(key string, value int32)
	// EmitInt64 receives an Int64 field.
	EmitInt64(key string, value int64)
	// EmitUint32 receives a Uint32 field.
	EmitUint32(key string, value uint32)
	// EmitUint64 receives a Uint64 field.
	EmitUint64(key string, value uint64)
	// EmitFloat32 receives a Float32 field.
	EmitFloat32(key string, value float32)
	// EmitFloat64 receives a Float64 field.
	EmitFloat64(key string, value float64)
	// EmitObject receives an Object field's value, as given.
	EmitObject(key string, value any)
	// EmitLazyLogger receives a Lazy field's LazyLogger (nil for
	// Lazy(nil)); an Encoder that records the field calls it with itself
	// to get the fields it emits.
	EmitLazyLogger(value LazyLogger)
}

// Marshal passes the field's typed value to visitor.
func (f Field) Marshal(visitor Encoder) {
	switch f.fieldType {
	case stringType:
		visitor.EmitString(f.key, f.stringVal)
	case boolType:
		visitor.EmitBool(f.key, f.numericVal != 0)
	case intType:
		visitor.EmitInt(f.key, int(f.numericVal))
	case int32Type:
		visitor.EmitInt32(f.key, int32(f.numericVal))
	case int64Type:
		visitor.EmitInt64(f.key, f.numericVal)
	case uint32Type:
		visitor.EmitUint32(f.key, uint32(f.numericVal))
	case uint64Type:
		visitor.EmitUint64(f.key, uint64(f.numericVal))
	case float32Type:
		visitor.EmitFloat32(f.key, math.Float32frombits(uint32(f.numericVal)))
	case float64Type:
		visitor.EmitFloat64(f.key, math.Float64frombits(uint64(f.numericVal)))
	case errorType:
		if err, ok := f.interfaceVal.(error); ok {
			visitor.EmitString(f.key, err.Error())
		} else {
			visitor.EmitString(f.key, "<nil>")
		}
	case objectType:
		visitor.EmitObject(f.key, f.interfaceVal)
	case lazyLoggerType:
		visitor.EmitLazyLogger(f.interfaceVal.(LazyLogger))
	case noopType:
	}
}

// Key returns the field's key.
func (f Field) Key() string { return f.key }

// Value returns the field's value as a Go value of its type: string, bool,
// int, int32, int64, uint32, uint64, float32, float64, error, the object,
// or the LazyLogger.
func (f Field) Value() any {
	switch f.fieldType {
	case stringType:
		return f.stringVal
	case boolType:
		return f.numericVal != 0
	case intType:
		return int(f.numericVal)
	case int32Type:
		return int32(f.numericVal)
	case int64Type:
		return f.numericVal
	case uint32Type:
		return uint32(f.numericVal)
	case uint64Type:
		return uint64(f.numericVal)
	case float32Type:
		return math.Float32frombits(uint32(f.numericVal))
	case float64Type:
		return math.Float64frombits(uint64(f.numericVal))
	case errorType, objectType, lazyLoggerType:
		return f.interfaceVal
	default:
		return nil
	}
}

// String returns "key:value", for tests and debugging.
func (f Field) String() string {
	return fmt.Sprint(f.key, ":", f.Value())
}
