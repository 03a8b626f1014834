package log_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tracebed/tracebed/opentracing/log"
)

// emitted is one call an Encoder received.
type emitted struct {
	method string
	key    string
	value  any
}

// recorder is an Encoder that records every call.
type recorder struct{ calls []emitted }

func (r *recorder) add(m, k string, v any)          { r.calls = append(r.calls, emitted{m, k, v}) }
func (r *recorder) EmitString(k, v string)          { r.add("String", k, v) }
func (r *recorder) EmitBool(k string, v bool)       { r.add("Bool", k, v) }
func (r *recorder) EmitInt(k string, v int)         { r.add("Int", k, v) }
func (r *recorder) EmitInt32(k string, v int32)     { r.add("Int32", k, v) }
func (r *recorder) EmitInt64(k string, v int64)     { r.add("Int64", k, v) }
func (r *recorder) EmitUint32(k string, v uint32)   { r.add("Uint32", k, v) }
func (r *recorder) EmitUint64(k string, v uint64)   { r.add("Uint64", k, v) }
func (r *recorder) EmitFloat32(k string, v float32) { r.add("Float32", k, v) }
func (r *recorder) EmitFloat64(k string, v float64) { r.add("Float64", k, v) }
func (r *recorder) EmitObject(k string, v any)      { r.add("Object", k, v) }
func (r *recorder) EmitLazyLogger(v log.LazyLogger) { v(r) }

func marshal(f log.Field) []emitted {
	var r recorder
	f.Marshal(&r)
	return r.calls
}

type point struct{ X, Y int }

func TestField_RoundTrip(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name      string
		give      log.Field
		wantKey   string
		wantValue any
		wantEmit  []emitted
	}{
		{"String", log.String("s", "v ☃"), "s", "v ☃", []emitted{{"String", "s", "v ☃"}}},
		{"Bool true", log.Bool("b", true), "b", true, []emitted{{"Bool", "b", true}}},
		{"Bool false", log.Bool("b", false), "b", false, []emitted{{"Bool", "b", false}}},
		{"Int", log.Int("i", math.MinInt), "i", math.MinInt, []emitted{{"Int", "i", math.MinInt}}},
		{"Int32", log.Int32("i", math.MinInt32), "i", int32(math.MinInt32), []emitted{{"Int32", "i", int32(math.MinInt32)}}},
		{"Int64", log.Int64("i", math.MaxInt64), "i", int64(math.MaxInt64), []emitted{{"Int64", "i", int64(math.MaxInt64)}}},
		{"Uint32", log.Uint32("u", math.MaxUint32), "u", uint32(math.MaxUint32), []emitted{{"Uint32", "u", uint32(math.MaxUint32)}}},
		{"Uint64", log.Uint64("u", math.MaxUint64), "u", uint64(math.MaxUint64), []emitted{{"Uint64", "u", uint64(math.MaxUint64)}}},
		{"Float32", log.Float32("f", -1.5), "f", float32(-1.5), []emitted{{"Float32", "f", float32(-1.5)}}},
		{"Float64", log.Float64("f", math.Inf(-1)), "f", math.Inf(-1), []emitted{{"Float64", "f", math.Inf(-1)}}},
		{"Error", log.Error(errBoom), "error", errBoom, []emitted{{"String", "error", "boom"}}},
		{"Error nil", log.Error(nil), "error", nil, []emitted{{"String", "error", "<nil>"}}},
		{"Object", log.Object("o", point{1, 2}), "o", point{1, 2}, []emitted{{"Object", "o", point{1, 2}}}},
		{"Object nil", log.Object("o", nil), "o", nil, []emitted{{"Object", "o", nil}}},
		{"Event", log.Event("done"), log.KeyEvent, "done", []emitted{{"String", "event", "done"}}},
		{"Message", log.Message("hi"), log.KeyMessage, "hi", []emitted{{"String", "message", "hi"}}},
		{"Noop", log.Noop(), "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantKey, tt.give.Key())
			assert.Equal(t, tt.wantValue, tt.give.Value())
			assert.Equal(t, tt.wantEmit, marshal(tt.give))
		})
	}
}

func TestField_FloatNaNRoundTrips(t *testing.T) {
	assert.True(t, math.IsNaN(log.Float64("f", math.NaN()).Value().(float64)))
	assert.True(t, math.IsNaN(float64(log.Float32("f", float32(math.NaN())).Value().(float32))))
}

func TestField_String(t *testing.T) {
	assert.Equal(t, "k:1", log.Int("k", 1).String())
	assert.Equal(t, "error:boom", log.Error(errors.New("boom")).String())
}

func TestLazy_RunsOnlyWhenMarshalled(t *testing.T) {
	calls := 0
	f := log.Lazy(func(enc log.Encoder) {
		calls++
		enc.EmitString("a", "1")
		enc.EmitInt("b", 2)
	})
	assert.Equal(t, 0, calls, "building a lazy field runs nothing")
	_, isLazy := f.Value().(log.LazyLogger)
	assert.True(t, isLazy, "Value returns the LazyLogger")
	assert.Equal(t, []emitted{{"String", "a", "1"}, {"Int", "b", 2}}, marshal(f))
	assert.Equal(t, 1, calls)
}

func TestField_NumericProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		i64 := rapid.Int64().Draw(t, "i64")
		u64 := rapid.Uint64().Draw(t, "u64")
		i32 := rapid.Int32().Draw(t, "i32")
		u32 := rapid.Uint32().Draw(t, "u32")
		f64 := rapid.Float64().Draw(t, "f64")
		f32 := rapid.Float32().Draw(t, "f32")
		checks := []struct {
			f    log.Field
			want any
		}{
			{log.Int64("k", i64), i64}, {log.Uint64("k", u64), u64}, {log.Int32("k", i32), i32},
			{log.Uint32("k", u32), u32}, {log.Float64("k", f64), f64}, {log.Float32("k", f32), f32},
			{log.Int("k", int(i64)), int(i64)},
		}
		for _, c := range checks {
			if got := c.f.Value(); !sameBits(got, c.want) {
				t.Fatalf("%T field: Value() = %v, want %v", c.want, got, c.want)
			}
			if got := marshal(c.f); len(got) != 1 || !sameBits(got[0].value, c.want) {
				t.Fatalf("%T field: Marshal emitted %v, want %v", c.want, got, c.want)
			}
		}
	})
}

// sameBits is ==, except that floats compare by bits so NaN equals NaN.
func sameBits(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case float32:
		y, ok := b.(float32)
		return ok && math.Float32bits(x) == math.Float32bits(y)
	}
	return a == b
}

func TestInterleavedKVToFields(t *testing.T) {
	errBoom := errors.New("boom")
	got, err := log.InterleavedKVToFields(
		"s", "v", "b", true, "i", 1, "i8", int8(-8), "i16", int16(-16), "i32", int32(-32), "i64", int64(-64),
		"u", uint(1), "u8", uint8(8), "u16", uint16(16), "u32", uint32(32), "u64", uint64(64),
		"f32", float32(1.5), "f64", 2.5, "err", errBoom, "obj", point{1, 2}, "nil", nil,
	)
	require.NoError(t, err)
	want := []log.Field{
		log.String("s", "v"), log.Bool("b", true), log.Int("i", 1), log.Int32("i8", -8), log.Int32("i16", -16),
		log.Int32("i32", -32), log.Int64("i64", -64), log.Uint64("u", 1), log.Uint32("u8", 8), log.Uint32("u16", 16),
		log.Uint32("u32", 32), log.Uint64("u64", 64), log.Float32("f32", 1.5), log.Float64("f64", 2.5),
	}
	require.Len(t, got, len(want)+3)
	assert.Equal(t, want, got[:len(want)])
	rest := got[len(want):]
	assert.Equal(t, "err", rest[0].Key())
	assert.Equal(t, errBoom, rest[0].Value())
	assert.Equal(t, []emitted{{"String", "err", "boom"}}, marshal(rest[0]), "an error value keeps its own key and encodes as its message")
	assert.Equal(t, log.Object("obj", point{1, 2}), rest[1])
	assert.Equal(t, log.Object("nil", nil), rest[2])

	got, err = log.InterleavedKVToFields()
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestInterleavedKVToFields_Errors(t *testing.T) {
	tests := []struct {
		name    string
		give    []any
		wantErr error
	}{
		{"odd", []any{"k"}, log.ErrOddKVList},
		{"odd three", []any{"k", 1, "j"}, log.ErrOddKVList},
		{"int key", []any{1, "v"}, log.ErrNonStringKey},
		{"nil key", []any{"k", 1, nil, "v"}, log.ErrNonStringKey},
		{"struct key", []any{point{}, "v"}, log.ErrNonStringKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := log.InterleavedKVToFields(tt.give...)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, got)
		})
	}
}

func FuzzInterleavedKVToFields(f *testing.F) {
	f.Add("k", "v", int64(1), true, uint8(0))
	f.Add("", "", int64(-1), false, uint8(3))
	f.Fuzz(func(t *testing.T, k, v string, n int64, b bool, shape uint8) {
		var kvs []any
		switch shape % 4 {
		case 0:
			kvs = []any{k, v, k, n, k, b}
		case 1:
			kvs = []any{k, v, n}
		case 2:
			kvs = []any{n, v}
		case 3:
			kvs = []any{k, errors.New(v)}
		}
		fields, err := log.InterleavedKVToFields(kvs...)
		if err != nil {
			if !errors.Is(err, log.ErrOddKVList) && !errors.Is(err, log.ErrNonStringKey) {
				t.Fatalf("InterleavedKVToFields(%v) = %v, want a sentinel error", kvs, err)
			}
			return
		}
		if len(fields) != len(kvs)/2 {
			t.Fatalf("InterleavedKVToFields(%v) gave %d fields, want %d", kvs, len(fields), len(kvs)/2)
		}
		for i, f := range fields {
			if f.Key() != kvs[2*i] {
				t.Fatalf("field %d key %q, want %q", i, f.Key(), kvs[2*i])
			}
			marshal(f)
		}
	})
}
