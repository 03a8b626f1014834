package log

// The standard log keys of the OpenTracing semantic conventions (Python's
// opentracing.logs).
const (
	// KeyEvent names a stage in the span's life, such as "error" or
	// "cache miss". Event makes a Field with it.
	KeyEvent = "event"

	// KeyMessage holds a concise, human-readable one-line message.
	// Message makes a Field with it.
	KeyMessage = "message"

	// KeyStack holds a stack trace, as a string, in the platform's
	// conventional format.
	KeyStack = "stack"

	// KeyErrorKind holds the type or kind of an error, for example the
	// Go type name of the error value.
	KeyErrorKind = "error.kind"

	// KeyErrorObject holds the error value itself.
	KeyErrorObject = "error.object"
)
