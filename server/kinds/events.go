package kinds

import (
	"strings"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

func events() *registry.Kind {
	involved := func(f string) registry.FieldFunc { return field("involvedObject", f) }
	return &registry.Kind{
		Version:    "v1",
		Resource:   "events",
		Kind:       "Event",
		Namespaced: true,
		ShortNames: []string{"ev"},
		Fields: map[string]registry.FieldFunc{
			"involvedObject.kind":            involved("kind"),
			"involvedObject.namespace":       involved("namespace"),
			"involvedObject.name":            involved("name"),
			"involvedObject.uid":             involved("uid"),
			"involvedObject.apiVersion":      involved("apiVersion"),
			"involvedObject.resourceVersion": involved("resourceVersion"),
			"involvedObject.fieldPath":       involved("fieldPath"),
			"reason":                         field("reason"),
			"reportingComponent":             field("reportingComponent"),
			"source": func(o *unstructured.Unstructured) string {
				if c := str(o.Object, "source", "component"); c != "" {
					return c
				}
				return str(o.Object, "reportingComponent")
			},
			"type": field("type"),
		},
		Columns: []meta.TableColumnDefinition{
			column("Last Seen", "string", 0, "The time at which the most recent occurrence of this event was recorded."),
			column("Type", "string", 0, "Type of this event (Normal, Warning), new types could be added in the future"),
			column("Reason", "string", 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
			column("Object", "string", 0, "The object that this event is about."),
			column("Subobject", "string", 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
			column("Source", "string", 1, "The component reporting this event. Should be a short machine understandable string."),
			column("Message", "string", 0, "A human-readable description of the status of this operation."),
			column("First Seen", "string", 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
			column("Count", "integer", 1, "The number of times this event has occurred."),
			{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: nameDescription},
		},
		Cells:      eventCells,
		Validate:   validateEvent,
		SpecFields: []string{},
	}
}

func eventCells(obj *unstructured.Unstructured, now time.Time) []any {
	o := obj.Object
	first := since(str(o, "firstTimestamp"), now)
	if str(o, "firstTimestamp") == "" {
		first = since(str(o, "eventTime"), now)
	}
	last := first
	if ts := str(o, "lastTimestamp"); ts != "" {
		last = since(ts, now)
	}
	count := num(o, "count")
	if series := unstructured.NestedMap(o, "series"); series != nil {
		last = since(str(series, "lastObservedTime"), now)
		count = num(series, "count")
	} else if count == 0 {
		count = 1 // singleton events of the newer API carry no count
	}
	target := strings.ToLower(str(o, "involvedObject", "kind"))
	if name := str(o, "involvedObject", "name"); name != "" {
		target += "/" + name
	}
	return []any{
		last,
		str(o, "type"),
		str(o, "reason"),
		target,
		str(o, "involvedObject", "fieldPath"),
		eventSource(o),
		strings.TrimSpace(str(o, "message")),
		first,
		count,
		obj.Name(),
	}
}

// eventSource is "component, host", falling back to the reporting controller
// and instance.
func eventSource(o map[string]any) string {
	component := str(o, "source", "component")
	if component == "" {
		component = str(o, "reportingComponent")
	}
	host := str(o, "source", "host")
	if host == "" {
		host = str(o, "reportingInstance")
	}
	if host == "" {
		return component
	}
	return component + ", " + host
}

// validateEvent: the event lives in its object's namespace; an event about a
// cluster-scoped object lives in "default" (or nowhere).
func validateEvent(obj *unstructured.Unstructured) validation.ErrorList {
	ref, ok := obj.Object["involvedObject"].(map[string]any)
	if !ok {
		return validation.ErrorList{validation.Required("involvedObject", "")}
	}
	ns, ins := obj.Namespace(), str(ref, "namespace")
	if (ins == "" && ns != "" && ns != "default") || (ins != "" && ins != ns) {
		return validation.ErrorList{validation.Invalid("involvedObject.namespace", ins, "does not match event.namespace")}
	}
	return nil
}
