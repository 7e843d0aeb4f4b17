// Package registry is the server's layer between the HTTP API and storage. It holds
// one Kind registration per resource (addressing, discovery names, field selectors,
// printer columns, defaulting, validation, graceful deletion), and a Store per kind
// that implements the Kubernetes write and read semantics on top of a
// storage.Interface: server-owned metadata, resourceVersion preconditions,
// generation, finalizers and graceful deletion, and consistent paginated lists.
//
// Nothing here knows about HTTP; nothing here knows which storage backend runs.
package registry
