package mocktracer_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/tracebed/tracebed/mocktracer"
	"github.com/tracebed/tracebed/opentracing"
)

// The fuzz targets of this file drive Extract with carriers that misbehave
// as a script says: the data comes from the fuzzer, and so does what the
// carrier does with it. Extract must never panic nor hang, and must answer
// as it answers an honest carrier of the same data whenever the script
// stayed honest.

// Reader script ops, one script byte per Read: the low 3 bits are the op,
// the high 5 bits its argument.
const (
	opDeliver   = 0 // 0–2: deliver arg+1 bytes (at most what is asked)
	opEmpty     = 3 // return (0, nil) once
	opStuck     = 4 // return (0, nil) for ever after
	opNegative  = 5 // return -(arg+1)
	opPanic     = 6 // panic: with nil if arg is even
	opTooMany   = 7 // return len(p)+arg+1
	honestLimit = 3 // ops below this (and opEmpty, in moderation) are honest
)

// scriptReader is an io.Reader over data that misbehaves as script says;
// once the script is used up it delivers the rest honestly.
type scriptReader struct {
	data, script []byte
	stuck        bool
	dishonest    bool // an op other than deliver/empty was used
	emptyRun     int  // the longest run of (0, nil) returned
	run          int
}

func (r *scriptReader) Read(p []byte) (int, error) {
	if r.stuck {
		return 0, nil
	}
	if len(r.script) == 0 {
		return r.deliver(p, len(p))
	}
	b := r.script[0]
	r.script = r.script[1:]
	op, arg := b&7, int(b>>3)
	switch {
	case op < honestLimit:
		return r.deliver(p, arg+1)
	case op == opEmpty:
		if r.run++; r.run > r.emptyRun {
			r.emptyRun = r.run
		}
		return 0, nil
	}
	r.dishonest = true
	switch op {
	case opStuck:
		r.stuck = true
		return 0, nil
	case opNegative:
		return -(arg + 1), nil
	case opPanic:
		if arg%2 == 0 {
			panic(nil)
		}
		panic("script says panic")
	default: // opTooMany
		return len(p) + arg + 1, nil
	}
}

func (r *scriptReader) deliver(p []byte, max int) (int, error) {
	r.run = 0
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), max)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// checkHostile checks what every Extract error must be, whatever the
// carrier: a sentinel, with a nil context and a short message.
func checkHostile(t *testing.T, sc opentracing.SpanContext, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if sc != nil {
		t.Fatalf("Extract returned %v with error %v, want a nil context", sc, err)
	}
	if !errors.Is(err, opentracing.ErrSpanContextNotFound) && !errors.Is(err, opentracing.ErrSpanContextCorrupted) &&
		!errors.Is(err, opentracing.ErrInvalidCarrier) {
		t.Fatalf("Extract error %v is not a sentinel", err)
	}
	checkErrLen(t, err)
}

// sameAnswer fails unless two Extracts gave the same context and the same
// sentinel error.
func sameAnswer(t *testing.T, sc opentracing.SpanContext, err error, wantSC opentracing.SpanContext, wantErr error) {
	t.Helper()
	if sentinel(err) != sentinel(wantErr) || (err == nil && sc.(mocktracer.MockSpanContext).String() != wantSC.(mocktracer.MockSpanContext).String()) {
		t.Fatalf("Extract = %v, %v; from an honest carrier of the same data %v, %v", sc, err, wantSC, wantErr)
	}
}

func FuzzExtractHostileReader(f *testing.F) {
	tr := mocktracer.New()
	valid := binaryOf(f, mocktracer.MockSpanContext{TraceID: 1, SpanID: 2, Sampled: true, Baggage: map[string]string{"k": "v"}})
	f.Add(valid, []byte{}, uint8(0))
	f.Add(valid, []byte{0, 0, 0, 0, 3, 3, 0}, uint8(0))  // a byte at a time, some empty reads
	f.Add(valid, []byte{opPanic}, uint8(0))              // Read panics with nil
	f.Add(valid, []byte{0, 0, 1<<3 | opPanic}, uint8(0)) // Read panics mid-body
	f.Add(valid, []byte{opNegative}, uint8(0))           // a negative count
	f.Add(valid, []byte{0, 0, 7<<3 | opNegative}, uint8(0))
	f.Add(valid, []byte{opTooMany}, uint8(0))  // more than asked
	f.Add(valid, []byte{opStuck}, uint8(0))    // (0, nil) for ever
	f.Add(valid, []byte{0, opStuck}, uint8(0)) // ... mid-body
	f.Add(valid, bytes.Repeat([]byte{opEmpty}, 120), uint8(0))
	f.Add([]byte{1, 0x80, 0x80, 0x40}, []byte{}, uint8(0)) // declares 1 MiB, holds none
	f.Add(valid, []byte{}, uint8(1))                       // a wrapper around a nil *bytes.Reader
	f.Add(valid, []byte{}, uint8(2))                       // a wrapper around a nil io.Reader
	f.Fuzz(func(t *testing.T, data, script []byte, shape uint8) {
		var carrier any
		r := &scriptReader{data: data, script: script}
		switch shape % 3 {
		case 0:
			carrier = r
		case 1:
			carrier = struct{ io.Reader }{(*bytes.Reader)(nil)}
		case 2:
			carrier = struct{ io.Reader }{}
		}
		sc, err := tr.Extract(opentracing.Binary, carrier)
		checkHostile(t, sc, err)
		if shape%3 != 0 {
			if !errors.Is(err, opentracing.ErrInvalidCarrier) {
				t.Fatalf("Extract of a wrapper around nil = %v, %v; want ErrInvalidCarrier", sc, err)
			}
			return
		}
		// Fewer than 100 empty reads in a row (bufio's limit, and
		// Extract's) is slow but honest.
		if r.dishonest || r.emptyRun >= 100 {
			if err == nil {
				t.Fatalf("Extract from a dishonest reader = %v, want an error", sc)
			}
			return
		}
		wantSC, wantErr := tr.Extract(opentracing.Binary, bytes.NewReader(data))
		sameAnswer(t, sc, err, wantSC, wantErr)
	})
}

// TextMap script ops, one script byte per entry, before it is handed to
// the handler.
const (
	tmPanicNil   = 4 // ForeachKey panics with nil
	tmPanic      = 5 // ForeachKey panics with a value
	tmFail       = 6 // ForeachKey returns its own error
	tmIgnoreStop = 7 // ForeachKey ignores the handler's error and goes on
)

// scriptTextMap is a TextMapReader over pairs that misbehaves as script
// says.
type scriptTextMap struct {
	pairs  [][2]string
	script []byte
	broke  bool // a panic or an error of its own
}

func (c *scriptTextMap) ForeachKey(handler func(k, v string) error) error {
	for i, kv := range c.pairs {
		var op byte
		if i < len(c.script) {
			op = c.script[i] & 7
		}
		switch op {
		case tmPanicNil:
			c.broke = true
			panic(nil)
		case tmPanic:
			c.broke = true
			panic(errCarrier)
		case tmFail:
			c.broke = true
			return errCarrier
		}
		if err := handler(kv[0], kv[1]); err != nil && op != tmIgnoreStop {
			return err
		}
	}
	return nil
}

func FuzzExtractHostileTextMap(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s, []byte{}, false)
		f.Add(s, []byte{}, true)
	}
	ids := "mockpfx-ids-traceid\n1\nmockpfx-ids-spanid\n2"
	f.Add(ids, []byte{tmPanicNil}, false)
	f.Add(ids, []byte{0, tmPanic}, true)
	f.Add(ids, []byte{0, tmFail}, false)
	f.Add(ids+"\nmockpfx-ids-traceid\n3\nmockpfx-ids-spanid\nzz", []byte{0, 0, tmIgnoreStop, tmIgnoreStop}, true)
	f.Add("Mockpfx-Ids-Traceid\n1\nMockpfx-Ids-Spanid\n2\nMockpfx-Ids-ſampled\nfalse", []byte{}, true)
	tr := mocktracer.New()
	f.Fuzz(func(t *testing.T, s string, script []byte, http bool) {
		format := opentracing.TextMap
		if http {
			format = opentracing.HTTPHeaders
		}
		c := &scriptTextMap{pairs: headerPairs(s), script: script}
		sc, err := tr.Extract(format, c)
		checkHostile(t, sc, err)
		if c.broke {
			if err == nil {
				t.Fatalf("Extract from a carrier that panicked or failed = %v, want an error", sc)
			}
			return
		}
		wantSC, wantErr := tr.Extract(format, pairs(headerPairs(s)))
		sameAnswer(t, sc, err, wantSC, wantErr)
	})
}
