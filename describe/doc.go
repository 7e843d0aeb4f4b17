// Package describe renders objects as `kubectl describe` does: a readable
// summary of the object (name, namespace, labels, annotations, then sections
// that depend on the kind) followed by the events about it.
//
// # Use
//
//	d := &describe.Describer{Client: c, ShowEvents: true}
//	obj, err := client.Dynamic(c, res.GVR(), res.Namespaced).Namespace(ns).Get(ctx, name)
//	...
//	err = d.Describe(ctx, os.Stdout, obj)
//
// Describe fetches what the description shows besides the object — the events
// whose involvedObject is the object (GET events with the field selector
// involvedObject.name=,involvedObject.namespace=,involvedObject.uid=, in the
// object's namespace, or in every namespace for a cluster-scoped object), and
// for a node its lease and the non-terminated pods bound to it, for a service
// its endpoints — then calls Render. Render takes everything it shows as
// input and makes no request, so it can be tested alone.
//
// # Kinds
//
// Pods, nodes, deployments, services, namespaces, config maps and secrets
// have their own layout, as kubectl prints them. Any other kind gets the
// generic layout: Name, Namespace, Labels and Annotations, then every other
// field of the object sorted by key, nested maps indented, keys spelt as
// words ("apiVersion" as "API Version"). Secret values are never shown: only
// their sizes.
//
// # Layout
//
// Lines are laid out as kubectl lays them out: cells separated by tabs, each
// run of lines with a cell in the same column aligned by text/tabwriter with
// a padding of two spaces; nested sections indent by two spaces per level.
// Times print as RFC 1123 with a numeric zone ("Wed, 01 May 2024 10:00:00
// +0000") in Describer.Location; ages (the Events table, a node's pods) as
// printers.HumanDuration of the time since then.
//
// Deliberate differences from kubectl: map entries (config map data, secret
// keys) print sorted by key, where kubectl prints them in Go's random map
// order; every kind shows its events (kubectl shows none for namespaces and
// secrets); deployments show no OldReplicaSets/NewReplicaSet lines (kctl's
// server has no ReplicaSets); a service's endpoints come from its Endpoints
// object when the server has one, else print as <none>.
package describe
