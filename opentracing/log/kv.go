package log

import (
	"errors"
	"fmt"
)

// ErrOddKVList is wrapped by InterleavedKVToFields when the list has an odd
// length.
var ErrOddKVList = errors.New("log: odd number of key/value arguments")

// ErrNonStringKey is wrapped by InterleavedKVToFields when a key is not a
// string.
var ErrNonStringKey = errors.New("log: key is not a string")

// InterleavedKVToFields turns alternating key/value arguments into Fields.
// Keys must be strings; values of the Field constructors' types keep their
// type, anything else becomes an Object field. The error names the
// offending pair.
func InterleavedKVToFields(keyValues ...any) ([]Field, error) {
	if len(keyValues)%2 != 0 {
		return nil, fmt.Errorf("%w: %d arguments", ErrOddKVList, len(keyValues))
	}
	fields := make([]Field, len(keyValues)/2)
	for i := 0; i*2 < len(keyValues); i++ {
		key, ok := keyValues[i*2].(string)
		if !ok {
			return nil, fmt.Errorf("%w: pair %d has key %T(%v)", ErrNonStringKey, i, keyValues[i*2], keyValues[i*2])
		}
		switch v := keyValues[i*2+1].(type) {
		case string:
			fields[i] = String(key, v)
		case bool:
			fields[i] = Bool(key, v)
		case int:
			fields[i] = Int(key, v)
		case int8:
			fields[i] = Int32(key, int32(v))
		case int16:
			fields[i] = Int32(key, int32(v))
		case int32:
			fields[i] = Int32(key, v)
		case int64:
			fields[i] = Int64(key, v)
		case uint:
			fields[i] = Uint64(key, uint64(v))
		case uint8:
			fields[i] = Uint32(key, uint32(v))
		case uint16:
			fields[i] = Uint32(key, uint32(v))
		case uint32:
			fields[i] = Uint32(key, v)
		case uint64:
			fields[i] = Uint64(key, v)
		case float32:
			fields[i] = Float32(key, v)
		case float64:
			fields[i] = Float64(key, v)
		case error:
			fields[i] = Field{key: key, fieldType: errorType, interfaceVal: v}
		default:
			fields[i] = Object(key, v)
		}
	}
	return fields, nil
}
