package kinds

import (
	"encoding/base64"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

// maxDataSize bounds the data of a config map or secret (1 MiB).
const maxDataSize = 1 << 20

const immutableMsg = "field is immutable when `immutable` is set"

func configMaps() *registry.Kind {
	return &registry.Kind{
		Version:    "v1",
		Resource:   "configmaps",
		Kind:       "ConfigMap",
		Namespaced: true,
		ShortNames: []string{"cm"},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Data", "integer", 0, "The number of keys in data and binaryData."),
			ageColumn(),
		},
		Cells: func(obj *unstructured.Unstructured, now time.Time) []any {
			n := len(unstructured.NestedMap(obj.Object, "data")) + len(unstructured.NestedMap(obj.Object, "binaryData"))
			return []any{obj.Name(), int64(n), age(obj, now)}
		},
		Validate:       validateConfigMap,
		ValidateUpdate: validateConfigMapUpdate,
	}
}

func validateConfigMap(obj *unstructured.Unstructured) validation.ErrorList {
	var errs validation.ErrorList
	data := unstructured.NestedMap(obj.Object, "data")
	binary := unstructured.NestedMap(obj.Object, "binaryData")
	size := 0
	for k, v := range data {
		p := validation.Key("data", k)
		errs = checkName(errs, p, k, isConfigKey)
		s, ok := v.(string)
		if !ok {
			errs = append(errs, validation.Invalid(p, v, "must be a string"))
		}
		size += len(s)
	}
	for k, v := range binary {
		p := validation.Key("binaryData", k)
		errs = checkName(errs, p, k, isConfigKey)
		if _, dup := data[k]; dup {
			errs = append(errs, validation.Invalid(p, k, "duplicate of key present in data"))
		}
		b, err := decodeBase64(v)
		if err != nil {
			errs = append(errs, validation.Invalid(p, "<binary data>", err.Error()))
		}
		size += len(b)
	}
	if size > maxDataSize {
		errs = append(errs, tooLong("", maxDataSize))
	}
	return errs
}

func validateConfigMapUpdate(obj, old *unstructured.Unstructured) validation.ErrorList {
	return immutableData(obj, old, "data", "binaryData")
}

// immutableData forbids changing the given fields, or unsetting immutable, of an
// object created immutable.
func immutableData(obj, old *unstructured.Unstructured, fields ...string) validation.ErrorList {
	if old.Object["immutable"] != true {
		return nil
	}
	var errs validation.ErrorList
	if obj.Object["immutable"] != true {
		errs = append(errs, validation.Forbidden("immutable", immutableMsg))
	}
	for _, f := range fields {
		if !sameJSON(obj.Object[f], old.Object[f]) {
			errs = append(errs, validation.Forbidden(f, immutableMsg))
		}
	}
	return errs
}

// decodeBase64 decodes a JSON string holding base64 (as []byte fields are sent).
func decodeBase64(v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, errNotString
	}
	return base64.StdEncoding.DecodeString(s)
}
