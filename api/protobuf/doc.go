// Package protobuf converts the Kubernetes protobuf encoding of built-in
// objects (Content-Type application/vnd.kubernetes.protobuf) into the
// equivalent Kubernetes JSON, so that a server that only understands JSON can
// accept what kubectl's typed commands send.
//
// A body is the four magic bytes "k8s\x00" followed by a runtime.Unknown
// envelope whose typeMeta names the apiVersion and kind and whose raw field
// holds the object's own protobuf message. The conversion is schema driven: a
// table per message type (see the schema_*.go files, one per API group) maps
// every field number to its JSON name and wire kind. Fields are written the way
// the JSON encoding of the same Go object would write them with omitempty:
// empty strings, zero numbers, false booleans, empty lists and maps, zero
// timestamps and empty nested structs are dropped, while pointer fields that
// were sent are kept even when zero (replicas: 0, enableServiceLinks: false,
// emptyDir: {}), as are IntOrString values and the few numbers whose JSON has no
// omitempty that validation needs (containerPort, port).
//
// A field number that the table of a known message does not list is an error,
// never silently dropped, and so is an apiVersion/kind without a table: the
// caller should answer 415 and ask for JSON instead.
package protobuf
