package fieldmanager

import (
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/jsonenc"
)

// maxAnnotationsSize is the most the annotations of an object may hold, keys
// and values together.
const maxAnnotationsSize = 256 * 1024

// allowedByLastApplied returns the fields the client-side apply annotation
// of live holds with the value live has: kubectl's own, when it moves from
// client-side to server-side apply. nil when there is no usable annotation.
func (op *operation) allowedByLastApplied(live map[string]any) *fieldSet {
	if live == nil {
		return nil
	}
	ann, _ := metadataOf(live)["annotations"].(map[string]any)
	text, _ := ann[LastAppliedAnnotation].(string)
	if text == "" {
		return nil
	}
	last, err := unstructured.DecodeMap([]byte(text))
	if err != nil {
		return nil
	}
	if v, _ := last["apiVersion"].(string); v != op.req.APIVersion {
		return nil
	}
	set, err := fieldsOf(last, op.schema, nil, true)
	if err != nil {
		return nil
	}
	c := compare(last, live, true, true, op.root(nil))
	return difference(difference(difference(set, c.modified), c.added), c.removed)
}

// updateLastApplied replaces the client-side apply annotation of obj, when
// it has one, by the applied configuration (without the annotation), so
// that a later client-side apply starts from it. An annotation that would
// not fit is dropped.
func updateLastApplied(obj, applied map[string]any) {
	ann, _ := metadataOf(obj)["annotations"].(map[string]any)
	if s, _ := ann[LastAppliedAnnotation].(string); s == "" {
		return
	}
	cfg := applied
	if appliedMeta := metadataOf(applied); appliedMeta != nil {
		if appliedAnn, ok := appliedMeta["annotations"].(map[string]any); ok {
			md := make(map[string]any, len(appliedMeta))
			for k, v := range appliedMeta {
				md[k] = v
			}
			a := make(map[string]any, len(appliedAnn))
			for k, v := range appliedAnn {
				if k != LastAppliedAnnotation {
					a[k] = v
				}
			}
			md["annotations"] = a
			cfg = make(map[string]any, len(applied))
			for k, v := range applied {
				cfg[k] = v
			}
			cfg["metadata"] = md
		}
	}
	// As kubectl writes it: json.Encoder's encoding, newline included.
	b, err := jsonenc.Marshal(cfg)
	if err != nil {
		return
	}
	ann[LastAppliedAnnotation] = string(b) + "\n"
	size := 0
	for k, v := range ann {
		s, _ := v.(string)
		size += len(k) + len(s)
	}
	if size > maxAnnotationsSize {
		delete(ann, LastAppliedAnnotation)
	}
}
