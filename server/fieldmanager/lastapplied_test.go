package fieldmanager

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestUpdateLastAppliedEncoding checks that the annotation is written as
// json.Encoder writes the applied configuration, as kubectl does: HTML
// characters escaped, keys sorted, numbers as sent, a final newline.
func TestUpdateLastAppliedEncoding(t *testing.T) {
	applied := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "a", "annotations": map[string]any{LastAppliedAnnotation: "old", "x": "<&>"}},
		"data":     map[string]any{"b": "\u2028", "a": json.Number("1.50"), "n": nil, "l": []any{true, 1e21}},
	}
	obj := map[string]any{"metadata": map[string]any{"annotations": map[string]any{LastAppliedAnnotation: "{}"}}}
	updateLastApplied(obj, applied)

	cfg := map[string]any{}
	for k, v := range applied {
		cfg[k] = v
	}
	cfg["metadata"] = map[string]any{"name": "a", "annotations": map[string]any{"x": "<&>"}}
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(cfg); err != nil {
		t.Fatal(err)
	}
	got := obj["metadata"].(map[string]any)["annotations"].(map[string]any)[LastAppliedAnnotation]
	if got != want.String() {
		t.Errorf("annotation %q, want %q", got, want.String())
	}
}
