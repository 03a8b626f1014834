package mocktracer

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tracebed/tracebed/opentracing"
)

// Extract reads untrusted input: what a carrier holds comes from the
// network, and a carrier is the caller's code. This file holds what keeps
// Extract safe from both: errors that quote only a bounded prefix of the
// input, a read loop that survives broken io.Readers, and the recovery of
// a carrier's panic.

// maxQuoted bounds how many bytes of carrier data an error quotes: a
// header value may be megabytes long, and an error is logged.
const maxQuoted = 32

// quote renders carrier data s for an error message, strconv.Quote'd and
// cut to maxQuoted bytes with its length noted when longer.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:maxQuoted]) + "... (" + strconv.Itoa(len(s)) + " bytes)"
}

// maxCauseLen bounds how much of the message of an error (or panic value)
// that came from the carrier an Extract error repeats.
const maxCauseLen = 128

// carrierError is an Extract error caused by the carrier itself: its
// error or its panic. Error repeats at most maxCauseLen bytes of the
// cause's message; errors.Is and errors.As see the sentinel and the cause.
type carrierError struct {
	sentinel error  // opentracing.ErrSpanContextCorrupted or ErrInvalidCarrier
	what     string // what Extract was doing
	cause    error  // the carrier's error, or the panic value as an error
}

func (e *carrierError) Error() string {
	msg := e.cause.Error()
	if len(msg) > maxCauseLen {
		msg = msg[:maxCauseLen] + "... (" + strconv.Itoa(len(msg)) + " bytes)"
	}
	return e.sentinel.Error() + ": " + e.what + ": " + msg
}

func (e *carrierError) Unwrap() []error { return []error{e.sentinel, e.cause} }

// carrierFailed wraps err, returned by the carrier while Extract was
// doing what, as a corrupted context, unless err already says the carrier
// is invalid (readFull's verdict on a broken reader).
func carrierFailed(what string, err error) error {
	if errors.Is(err, opentracing.ErrInvalidCarrier) {
		return err
	}
	return &carrierError{sentinel: opentracing.ErrSpanContextCorrupted, what: what, cause: err}
}

// panicValue is a recovered panic value as an error.
type panicValue struct{ v any }

func (p panicValue) Error() string {
	if p.v == nil {
		return "panic(nil)"
	}
	return fmt.Sprint(p.v)
}

// Unwrap returns the panic value when it is an error, for errors.As.
func (p panicValue) Unwrap() error {
	err, _ := p.v.(error)
	return err
}

// extractSafely calls p.Extract(carrier), turning a panic (in the carrier's
// methods, or in p) into opentracing.ErrInvalidCarrier. It tells a panic
// from a normal return by a flag rather than by recover's result, so
// panic(nil) is caught whatever GODEBUG says.
func extractSafely(p Propagator, carrier any) (sc MockSpanContext, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		sc, err = MockSpanContext{}, &carrierError{
			sentinel: opentracing.ErrInvalidCarrier, what: "the carrier panicked", cause: panicValue{recover()},
		}
	}()
	sc, err = p.Extract(carrier)
	returned = true
	return sc, err
}

// maxEmptyReads is how many reads in a row may return (0, nil) before
// Extract gives up on the reader, as bufio does: io.ReadFull would call
// such a reader for ever.
const maxEmptyReads = 100

// errBrokenReader says that an io.Reader broke its contract.
var errBrokenReader = errors.New("the io.Reader broke its contract")

// readFull is io.ReadFull for an untrusted reader: a count outside
// [0, len(p)] or maxEmptyReads empty reads in a row give
// opentracing.ErrInvalidCarrier instead of a panic or a hang. Like
// io.ReadFull it returns io.EOF when nothing was read and
// io.ErrUnexpectedEOF when p was filled in part.
func readFull(r io.Reader, p []byte) error {
	read, empty := 0, 0
	for read < len(p) {
		n, err := r.Read(p[read:])
		if n < 0 || n > len(p)-read {
			return fmt.Errorf("%w: %w: Read returned %d for a buffer of %d bytes",
				opentracing.ErrInvalidCarrier, errBrokenReader, n, len(p)-read)
		}
		read += n
		switch {
		case read == len(p):
			return nil
		case err == io.EOF && read > 0:
			return io.ErrUnexpectedEOF
		case err != nil:
			return err
		case n > 0:
			empty = 0
		default:
			if empty++; empty >= maxEmptyReads {
				return fmt.Errorf("%w: %w: %w after %d reads", opentracing.ErrInvalidCarrier, errBrokenReader, io.ErrNoProgress, empty)
			}
		}
	}
	return nil
}
