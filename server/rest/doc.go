// Package rest is the server's HTTP API layer for resources: it maps the
// Kubernetes REST paths (/api/v1/..., /apis/GROUP/VERSION/...) onto the registry's
// stores, decodes request bodies (JSON or YAML), negotiates the response form (the
// object, a meta.k8s.io Table, or YAML), streams watches, and answers every error
// as a meta/v1 Status. Everything it serves comes from the registry: a kind
// registered there is routed here without new code.
package rest
