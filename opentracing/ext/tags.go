// Package ext holds the standard span tags of the OpenTracing semantic
// conventions as typed tag names, LogError, and the error hook of Python's
// `with span:` for Go's defer: Finish and Close record a returned error or
// a panic on the span (error=true and the five standard log fields, stack
// included), finish the span or close the scope, and let a panic go on
// unchanged:
//
//	defer ext.Finish(span, &err)
//
// Each tag name is a constant of a type whose Set method takes only a
// value of the right type, so that a wrong value does not compile:
//
//	ext.SpanKindRPCClient.Set(span)
//	ext.HTTPStatusCode.Set(span, 404)
//	ext.PeerHostIPv4.Set(span, 0x7f000001)
//
// Set always stores a string, bool or number, the value types every
// tracer supports.
package ext

import (
	"net/netip"

	"github.com/tracebed/tracebed/opentracing"
)

// SpanKindEnum is a value of the span.kind tag.
type SpanKindEnum string

// The values of the span.kind tag.
const (
	// SpanKindRPCClientEnum marks the client side of an RPC.
	SpanKindRPCClientEnum SpanKindEnum = "client"
	// SpanKindRPCServerEnum marks the server side of an RPC.
	SpanKindRPCServerEnum SpanKindEnum = "server"
	// SpanKindProducerEnum marks the producer of a message.
	SpanKindProducerEnum SpanKindEnum = "producer"
	// SpanKindConsumerEnum marks the consumer of a message.
	SpanKindConsumerEnum SpanKindEnum = "consumer"
)

// Ready-made span.kind tags, usable as StartSpan options or with Set:
//
//	span := tracer.StartSpan("GetFeed", ext.SpanKindRPCClient)
var (
	// SpanKindRPCClient is the tag span.kind=client.
	SpanKindRPCClient = opentracing.Tag{Key: string(SpanKind), Value: string(SpanKindRPCClientEnum)}
	// SpanKindRPCServer is the tag span.kind=server.
	SpanKindRPCServer = opentracing.Tag{Key: string(SpanKind), Value: string(SpanKindRPCServerEnum)}
	// SpanKindProducer is the tag span.kind=producer.
	SpanKindProducer = opentracing.Tag{Key: string(SpanKind), Value: string(SpanKindProducerEnum)}
	// SpanKindConsumer is the tag span.kind=consumer.
	SpanKindConsumer = opentracing.Tag{Key: string(SpanKind), Value: string(SpanKindConsumerEnum)}
)

// RPCServerOption returns the options of a server span that continues the
// client's trace: a CHILD_OF reference to client (ignored if nil, so the
// result of a failed Extract may be passed) and span.kind=server.
func RPCServerOption(client opentracing.SpanContext) opentracing.StartSpanOption {
	return rpcServerOption{client}
}

type rpcServerOption struct{ client opentracing.SpanContext }

func (o rpcServerOption) Apply(opts *opentracing.StartSpanOptions) {
	opentracing.ChildOf(o.client).Apply(opts)
	SpanKindRPCServer.Apply(opts)
}

// The tag names. Each group follows the semantic conventions' table.
const (
	// SpanKind is the role of the span in an RPC or messaging exchange.
	SpanKind SpanKindTagName = "span.kind"

	// Component is the library, framework or module that made the span,
	// such as "grpc" or "django".
	Component StringTagName = "component"

	// Error is true if the operation represented by the span failed.
	Error BoolTagName = "error"

	// SamplingPriority, if greater than 0, asks the tracer to keep the
	// trace; 0 asks it to drop the trace.
	SamplingPriority Uint16TagName = "sampling.priority"

	//////////////////////////////////////////////////////////////////////
	// Peer: the other side of the exchange.
	//////////////////////////////////////////////////////////////////////

	// PeerService is the service name of the peer.
	PeerService StringTagName = "peer.service"
	// PeerHostname is the host name of the peer.
	PeerHostname StringTagName = "peer.hostname"
	// PeerHostIPv4 is the peer's IPv4 address as a uint32 in network
	// order (0x7f000001 is 127.0.0.1).
	PeerHostIPv4 IPv4TagName = "peer.ipv4"
	// PeerHostIPv6 is the peer's IPv6 address in its text form.
	PeerHostIPv6 StringTagName = "peer.ipv6"
	// PeerPort is the peer's port.
	PeerPort Uint16TagName = "peer.port"
	// PeerAddress is the peer's address in whatever form fits the
	// protocol: "host:port", a socket path, a JDBC URL...
	PeerAddress StringTagName = "peer.address"

	//////////////////////////////////////////////////////////////////////
	// HTTP
	//////////////////////////////////////////////////////////////////////

	// HTTPUrl is the URL of the request.
	HTTPUrl StringTagName = "http.url"
	// HTTPMethod is the request method, such as "GET".
	HTTPMethod StringTagName = "http.method"
	// HTTPStatusCode is the response status code.
	HTTPStatusCode Uint16TagName = "http.status_code"

	//////////////////////////////////////////////////////////////////////
	// Databases
	//////////////////////////////////////////////////////////////////////

	// DBInstance is the database name.
	DBInstance StringTagName = "db.instance"
	// DBStatement is the statement, for example "SELECT * FROM t".
	DBStatement StringTagName = "db.statement"
	// DBType is the kind of database: "sql", "cassandra", "redis"...
	DBType StringTagName = "db.type"
	// DBUser is the user name the database is accessed as.
	DBUser StringTagName = "db.user"

	//////////////////////////////////////////////////////////////////////
	// Messaging
	//////////////////////////////////////////////////////////////////////

	// MessageBusDestination is the topic or queue a message is sent to or
	// received from.
	MessageBusDestination StringTagName = "message_bus.destination"
)

// SpanKindTagName is the type of the span.kind tag name.
type SpanKindTagName string

// Set sets span.kind to value, stored as a plain string.
func (tag SpanKindTagName) Set(span opentracing.Span, value SpanKindEnum) {
	span.SetTag(string(tag), string(value))
}

// StringTagName is a tag name whose value is a string.
type StringTagName string

// Set sets the tag to value.
func (tag StringTagName) Set(span opentracing.Span, value string) {
	span.SetTag(string(tag), value)
}

// BoolTagName is a tag name whose value is a bool.
type BoolTagName string

// Set sets the tag to value.
func (tag BoolTagName) Set(span opentracing.Span, value bool) {
	span.SetTag(string(tag), value)
}

// Uint16TagName is a tag name whose value is a uint16.
type Uint16TagName string

// Set sets the tag to value.
func (tag Uint16TagName) Set(span opentracing.Span, value uint16) {
	span.SetTag(string(tag), value)
}

// Uint32TagName is a tag name whose value is a uint32.
type Uint32TagName string

// Set sets the tag to value.
func (tag Uint32TagName) Set(span opentracing.Span, value uint32) {
	span.SetTag(string(tag), value)
}

// IPv4TagName is a tag name whose value is an IPv4 address as a uint32 in
// network order.
type IPv4TagName string

// Set sets the tag to the address value, a uint32 in network order.
func (tag IPv4TagName) Set(span opentracing.Span, value uint32) {
	span.SetTag(string(tag), value)
}

// SetString sets the tag from an address in dotted-decimal form, still
// stored as a uint32. An unparsable or non-IPv4 address is stored as the
// string it was given, so nothing is lost.
func (tag IPv4TagName) SetString(span opentracing.Span, value string) {
	addr, err := netip.ParseAddr(value)
	if err != nil || !addr.Is4() {
		span.SetTag(string(tag), value)
		return
	}
	b := addr.As4()
	span.SetTag(string(tag), uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3]))
}
