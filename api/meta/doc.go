// Package meta holds the object model shared by every kind and by both sides of the
// wire: TypeMeta, ObjectMeta, ListMeta, Status, Table, WatchEvent, DeleteOptions and
// the discovery documents. The JSON encoding of each type matches meta.k8s.io/v1 so
// that real Kubernetes clients read what the kctl server writes, and the other way
// round.
package meta
