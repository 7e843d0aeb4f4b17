package meta_test

import (
	"testing"

	"kctl.dev/kctl/api/meta"
)

type widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func TestEmbeddedObjectMetaIsAnObject(t *testing.T) {
	var o meta.Object = &widget{ObjectMeta: meta.ObjectMeta{Name: "w", Namespace: "ns", Labels: map[string]string{"a": "b"}}}
	o.SetResourceVersion("7")
	if o.GetName() != "w" || o.GetNamespace() != "ns" || o.GetResourceVersion() != "7" || o.GetLabels()["a"] != "b" || o.GetDeletionTimestamp() != nil {
		t.Errorf("accessors: %+v", o)
	}
}
