package fieldmanager

import (
	"errors"
	"sort"
	"strings"

	"kctl.dev/kctl/api/schema"
)

// Apply merges the applied configuration into live (nil when the object does
// not exist: create) for req.Manager and returns the new object, with
// metadata.managedFields updated. Neither argument is changed, and the result
// shares nothing with them.
//
// The manager then owns exactly the fields of its configuration. A field
// another manager owns that the configuration would change is a *Conflicts
// error unless force, which takes the field from it; applying the value a
// field already has makes the managers co-owners. Fields the manager applied
// before and no longer applies are removed from the object when no other
// manager owns them (list-map elements and set members too); when another
// does, they stay and only the ownership is released.
//
// As on a real server: the fields of an object that has no managed fields yet
// are first given to "before-first-apply"; the entry's time changes only when
// the object does; for the manager "kubectl", conflicts on fields the
// client-side apply annotation (kubectl.kubernetes.io/last-applied-configuration)
// holds with their live values are forced, and the annotation, when present,
// is updated to the new configuration. An invalid configuration is an *Error.
func Apply(live, applied map[string]any, s *schema.Schema, req Request, force bool) (map[string]any, error) {
	op := newOperation(s, req)
	if err := op.validateApplied(applied); err != nil {
		return nil, err
	}
	var ms managers
	if live != nil {
		var err error
		if ms, err = decodeManagers(live); err != nil {
			return nil, errorf("failed to decode managed fields: %v", err)
		}
		if len(ms) == 0 {
			ms = op.record(op.empty(), live, nil, op.updateID(BeforeFirstApply))
		}
	}
	out, ms2, err := op.apply(live, applied, ms, force)
	var conflicts *Conflicts
	if errors.As(err, &conflicts) && req.Manager == KubectlManager {
		// Moving from client-side to server-side apply: what the annotation
		// says kubectl applied, with the same value live, is kubectl's.
		if allowed := op.allowedByLastApplied(live); allowed != nil {
			if rest := conflicts.outside(allowed); len(rest.Items) > 0 {
				err = rest
			} else {
				out, ms2, err = op.apply(live, applied, ms, true)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if req.Manager == KubectlManager {
		updateLastApplied(out, applied)
	}
	setManagedFields(out, ms2)
	return out, nil
}

// operation holds what one request needs.
type operation struct {
	schema     *schema.Schema
	rules      *ignoreRule // untracked and reset fields: skipped when comparing and recording
	resetRules *ignoreRule // reset fields only: skipped when applying
	req        Request
	now        string
}

func newOperation(s *schema.Schema, req Request) *operation {
	if s == nil {
		s = anySchema
	}
	return &operation{
		schema:     s,
		rules:      cachedIgnoreRules(req.ResetFields, true),
		resetRules: cachedIgnoreRules(req.ResetFields, false),
		req:        req,
		now:        formatTime(req.Time),
	}
}

// root is the place of the object, for compare.
func (op *operation) root(rules *ignoreRule) place {
	return place{s: op.schema, rule: rules, root: true, empty: op.req.Empty, inEmpty: op.req.Empty != nil}
}

// empty is the object a create starts from.
func (op *operation) empty() map[string]any {
	if op.req.Empty != nil {
		return op.req.Empty
	}
	return map[string]any{}
}

func (op *operation) applyID() managerID {
	return managerID{manager: op.req.Manager, operation: OperationApply, subresource: op.req.Subresource}
}

func (op *operation) updateID(manager string) managerID {
	if manager == "" {
		manager = "unknown"
	}
	return managerID{manager: manager, operation: OperationUpdate, apiVersion: op.req.APIVersion, subresource: op.req.Subresource}
}

// validateApplied checks what Kubernetes checks of an applied configuration
// before merging it.
func (op *operation) validateApplied(applied map[string]any) error {
	if op.req.Manager == "" {
		return errorf("fieldManager is required for apply requests")
	}
	if applied == nil {
		return errorf("the applied configuration is empty")
	}
	apiVersion, _ := applied["apiVersion"].(string)
	kind, _ := applied["kind"].(string)
	if apiVersion == "" || kind == "" ||
		(op.req.APIVersion != "" && apiVersion != op.req.APIVersion) ||
		(op.req.Kind != "" && kind != op.req.Kind) {
		group, version, ok := strings.Cut(apiVersion, "/")
		if !ok {
			group, version = "", apiVersion
		}
		return errorf("invalid object type: %s/%s, Kind=%s", group, version, kind)
	}
	md, _ := applied["metadata"].(map[string]any)
	if name, _ := md["name"].(string); name == "" {
		return errorf("metadata.name: Required value: name is required")
	}
	if mf, ok := md["managedFields"]; ok && mf != nil {
		return errorf("metadata.managedFields must be nil")
	}
	return nil
}

// apply merges config into live for the applier, prunes what it no longer
// applies, and takes the changed fields from the other managers (or fails
// with their conflicts).
func (op *operation) apply(live, config map[string]any, ms managers, force bool) (map[string]any, managers, error) {
	// The configuration's fields, with those Kubernetes strips only after
	// merging and pruning: they protect metadata from being pruned.
	full, err := fieldsOf(config, op.schema, op.resetRules, true)
	if err != nil {
		return nil, nil, errorf("failed to create typed patch object (%s): %v", describe(config), err)
	}
	if live == nil {
		live = map[string]any{}
	}
	mg := &merger{}
	mergedValue, _ := mg.merge(withoutManagedFields(live), config, true, true, op.schema, op.resetRules, true)
	merged := mergedValue.(map[string]any)

	id := op.applyID()
	ms = ms.clone()
	var lastSet *fieldSet
	applier := &entry{id: id, apiVersion: op.req.APIVersion, set: difference(full, stripSet)}
	if last := ms.find(id); last != nil {
		lastSet, applier.time = last.set, last.time
		applier.decoded, applier.raw = last.decoded, last.raw
	}
	ms = ms.put(applier)
	// When the manager still applies every field it did, nothing of its goes.
	if !difference(lastSet, full).empty() {
		p := pruner{mg: mg}
		p.prune(merged, op.schema, lastSet, union(ms.owned(), full), op.rules, true, lineage{})
	}

	c := compare(live, merged, true, true, op.root(op.rules))
	ms, conflicts := takeAway(ms, c, id, force)
	if len(conflicts) > 0 {
		return nil, nil, &Conflicts{Items: conflicts}
	}
	if !c.empty() || !skippedEqual(live, merged, op.rules) {
		applier.time = op.now
	}
	if mg.nulls {
		stripNulls(merged, live, op.schema, true)
	}
	return merged, ms.withoutEmpty(), nil
}

// record records the change from old to obj as an Update by id: the fields
// it added or changed become id's (and are taken from the others), the
// fields it removed leave the others' sets. The entry's time changes when it
// gains fields.
func (op *operation) record(old, obj map[string]any, ms managers, id managerID) managers {
	c := compare(old, obj, true, true, op.root(op.rules))
	ms, _ = takeAway(ms.clone(), c, managerID{}, true)
	if gained := union(c.modified, c.added); !gained.empty() {
		e := &entry{id: id, apiVersion: op.req.APIVersion, time: op.now, set: gained}
		if prev := ms.find(id); prev != nil {
			e.set = union(gained, prev.set)
		}
		ms = ms.put(e)
	}
	return ms.withoutEmpty().capUpdaters(maxUpdateManagers)
}

// takeAway updates the other managers' sets after a change c by the manager
// self: fields changed or added conflict when another manager owns them;
// unless force that fails, else they leave that manager's set, as do the
// fields removed.
func takeAway(ms managers, c comparison, self managerID, force bool) (managers, []Conflict) {
	changed := union(c.modified, c.added)
	var conflicts []Conflict
	var owners []*entry
	taken := map[*entry]*fieldSet{}
	for _, e := range ms {
		if e.id == self {
			continue
		}
		if cs := intersect(e.set, changed); !cs.empty() {
			taken[e] = cs
			owners = append(owners, e)
		}
	}
	if !force && len(owners) > 0 {
		sort.Slice(owners, func(i, j int) bool { return owners[i].id.String() < owners[j].id.String() })
		for _, e := range owners {
			taken[e].iterate(func(path []pathElement) {
				conflicts = append(conflicts, Conflict{
					Manager:     e.id.manager,
					Operation:   e.id.operation,
					APIVersion:  e.apiVersion,
					Subresource: e.id.subresource,
					Field:       pathString(path),
					path:        append([]pathElement(nil), path...),
				})
			})
		}
		return ms, conflicts
	}
	for _, e := range ms {
		if e.id == self {
			continue
		}
		e.set = difference(difference(e.set, taken[e]), c.removed)
	}
	return ms, nil
}

// withoutManagedFields returns obj without metadata.managedFields (sharing
// the rest): the result gets new ones, no need to copy the old.
func withoutManagedFields(obj map[string]any) map[string]any {
	md := metadataOf(obj)
	if _, ok := md["managedFields"]; !ok {
		return obj
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	md2 := make(map[string]any, len(md))
	for k, v := range md {
		if k != "managedFields" {
			md2[k] = v
		}
	}
	out["metadata"] = md2
	return out
}

// outside returns the conflicts whose fields allowed does not hold.
func (c *Conflicts) outside(allowed *fieldSet) *Conflicts {
	out := &Conflicts{}
	for _, it := range c.Items {
		if !allowed.has(it.path) {
			out.Items = append(out.Items, it)
		}
	}
	return out
}

// describe names an object in errors as Kubernetes does: "ns/name; apps/v1, Kind=Deployment".
func describe(obj map[string]any) string {
	md := metadataOf(obj)
	ns, _ := md["namespace"].(string)
	name, _ := md["name"].(string)
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	return ns + "/" + name + "; " + group + "/" + version + ", Kind=" + kind
}
