// Package kinds holds the registrations of the built-in kinds the kctl server
// serves: core/v1 namespaces, pods (with the status and binding subresources),
// nodes, services, configmaps, secrets and events; coordination.k8s.io/v1 leases;
// apps/v1 deployments; and the four rbac.authorization.k8s.io/v1 kinds.
//
// Each registration says how its kind is printed by `kubectl get` (columns and
// cells as kubectl's own printers compute them), which fields can be selected,
// how it is defaulted on create and update, which fields the server sets on
// create, how it is validated (with Kubernetes' field paths and messages), and
// whether its deletion is graceful. Hooks work on the unstructured object, so
// fields they do not know are kept.
//
// Use Register to add them all to a registry:
//
//	r := registry.New()
//	kinds.Register(r)
package kinds
