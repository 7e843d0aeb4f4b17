// Package corev1 holds the Go types of the core "v1" API group that kctl models:
// Namespace, Pod, Node, Service, ConfigMap, Secret, Event and Binding, with a List
// type for each listable kind.
//
// The JSON encoding matches Kubernetes' core/v1 field for field (names, omitempty
// and null timestamps as the real API server writes them), so an object read from
// a real cluster decodes into these types and encodes back unchanged. Every field
// a v1.32 server accepts on these kinds is modelled (some later ones too):
// api/schema derives the schema that field validation and merging use from these
// types, and its upstream test holds them to the v1.32 OpenAPI definitions. The server never stores these types: it keeps objects
// in unstructured form, losslessly; these types are for clients, controllers and
// for reading an object in a validation hook.
//
// Enumerations are plain strings with named constants (PodRunning, ServiceTypeClusterIP,
// ...); resource quantities are strings ("500m", "128Mi") in ResourceList maps.
package corev1
