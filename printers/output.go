package printers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// encodingPrinter is -o json and -o yaml.
type encodingPrinter struct {
	base
	yaml      bool
	documents int // YAML documents written: the second and later start with ---
}

func (p *encodingPrinter) Flush(w io.Writer) error {
	ins := p.take()
	if len(ins) == 0 {
		return nil
	}
	obj, _, err := p.collect(ins)
	if err != nil {
		return err
	}
	if !p.opts.ShowManagedFields {
		dropManagedFields(obj)
	}
	var out []byte
	if p.yaml {
		if out, err = yaml.Marshal(obj); err != nil {
			return err
		}
		if p.documents > 0 {
			out = append([]byte("---\n"), out...)
		}
		p.documents++
	} else {
		if out, err = json.MarshalIndent(obj, "", "    "); err != nil {
			return err
		}
		out = append(out, '\n')
	}
	_, err = w.Write(out)
	return err
}

// dropManagedFields removes metadata.managedFields from obj or, for a List,
// from its items.
func dropManagedFields(obj map[string]any) {
	if items, ok := obj["items"].([]any); ok && obj["kind"] == "List" {
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				delete(metaOf(m), "managedFields")
			}
		}
		return
	}
	delete(metaOf(obj), "managedFields")
}

// namePrinter is -o name: kind/name per object.
type namePrinter struct {
	base
}

func (p *namePrinter) Flush(w io.Writer) error {
	ins := p.take()
	if len(ins) == 0 {
		return nil
	}
	obj, single, err := p.collect(ins)
	if err != nil {
		return err
	}
	objs := []map[string]any{obj}
	if !single {
		objs = nil
		for _, it := range obj["items"].([]any) {
			objs = append(objs, it.(map[string]any))
		}
	}
	var b bytes.Buffer
	for _, o := range objs {
		name, err := p.resourceName(o)
		if err != nil {
			return err
		}
		b.WriteString(name + "\n")
	}
	_, err = w.Write(b.Bytes())
	return err
}

// resourceName is "kind.group/name"; objects that carry no kind of their
// own (Table rows) take the current kind.
func (p *base) resourceName(obj map[string]any) (string, error) {
	gk := kindOf(obj)
	if gk.Kind == "" || (gk.Kind == "PartialObjectMetadata" && gk.Group == "meta.k8s.io") {
		gk = p.kind
	}
	if gk.Kind == "" {
		return "", fmt.Errorf("missing kind for resource with name %v", nameOf(obj))
	}
	return gk.String() + "/" + nameOf(obj), nil
}
