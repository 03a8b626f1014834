package log_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tracebed/tracebed/opentracing/log"
)

// lineEncoder renders the fields it is given as "key=value" words, with
// the Emit method that received each value, as a tracer's own Encoder
// would record them.
type lineEncoder struct{ words []string }

func (e *lineEncoder) emit(kind, key string, value any) {
	e.words = append(e.words, fmt.Sprintf("%s=%v(%s)", key, value, kind))
}
func (e *lineEncoder) EmitString(k, v string)          { e.emit("string", k, fmt.Sprintf("%q", v)) }
func (e *lineEncoder) EmitBool(k string, v bool)       { e.emit("bool", k, v) }
func (e *lineEncoder) EmitInt(k string, v int)         { e.emit("int", k, v) }
func (e *lineEncoder) EmitInt32(k string, v int32)     { e.emit("int32", k, v) }
func (e *lineEncoder) EmitInt64(k string, v int64)     { e.emit("int64", k, v) }
func (e *lineEncoder) EmitUint32(k string, v uint32)   { e.emit("uint32", k, v) }
func (e *lineEncoder) EmitUint64(k string, v uint64)   { e.emit("uint64", k, v) }
func (e *lineEncoder) EmitFloat32(k string, v float32) { e.emit("float32", k, v) }
func (e *lineEncoder) EmitFloat64(k string, v float64) { e.emit("float64", k, v) }
func (e *lineEncoder) EmitObject(k string, v any)      { e.emit("object", k, v) }
func (e *lineEncoder) EmitLazyLogger(ll log.LazyLogger) {
	if ll != nil {
		ll(e) // record what the lazy field emits
	}
}

// render marshals fields through a lineEncoder.
func render(fields ...log.Field) string {
	var e lineEncoder
	for _, f := range fields {
		f.Marshal(&e)
	}
	return strings.Join(e.words, " ")
}

// The typed constructors keep a value's type all the way to the tracer's
// Encoder; Field.String is the short form for tests and debugging.
func Example() {
	fields := []log.Field{
		log.Event("cache miss"),
		log.String("key", "user:42"),
		log.Int("attempt", 3),
		log.Uint64("bytes", 1<<40),
		log.Float64("ratio", 0.25),
		log.Bool("retry", true),
		log.Error(errors.New("timeout")),
		log.Object("ids", []int{1, 2}),
		log.Noop(), // encodes to nothing
		log.Lazy(func(e log.Encoder) { e.EmitInt("computed", 7) }),
	}
	fmt.Println(render(fields...))
	fmt.Println(fields[2], fields[3].Key(), fields[3].Value())
	// Output:
	// event="cache miss"(string) key="user:42"(string) attempt=3(int) bytes=1099511627776(uint64) ratio=0.25(float64) retry=true(bool) error="timeout"(string) ids=[1 2](object) computed=7(int)
	// attempt:3 bytes 1099511627776
}

// InterleavedKVToFields is how a Span's LogKV turns its alternating
// arguments into Fields: values of a constructor's type keep it, an error
// becomes an error field, anything else an Object. A malformed list is an
// error, never a panic.
func ExampleInterleavedKVToFields() {
	fields, err := log.InterleavedKVToFields(
		"event", "retry",
		"attempt", 2,
		"port", uint16(8080),
		"cause", errors.New("refused"),
		"tags", map[string]int{"a": 1},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(render(fields...))
	for _, f := range fields {
		fmt.Printf("%s %T\n", f, f.Value())
	}

	_, err = log.InterleavedKVToFields("event", "retry", "attempt")
	fmt.Println(errors.Is(err, log.ErrOddKVList), err)
	_, err = log.InterleavedKVToFields(42, "answer")
	fmt.Println(errors.Is(err, log.ErrNonStringKey), err)
	// Output:
	// event="retry"(string) attempt=2(int) port=8080(uint32) cause="refused"(string) tags=map[a:1](object)
	// event:retry string
	// attempt:2 int
	// port:8080 uint32
	// cause:refused *errors.errorString
	// tags:map[a:1] map[string]int
	// true log: odd number of key/value arguments: 3 arguments
	// true log: key is not a string: pair 0 has key int(42)
}
