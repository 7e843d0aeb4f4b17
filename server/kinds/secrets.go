package kinds

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

var errNotString = errors.New("must be a base64-encoded string")

func secrets() *registry.Kind {
	return &registry.Kind{
		Version:    "v1",
		Resource:   "secrets",
		Kind:       "Secret",
		Namespaced: true,
		Fields: map[string]registry.FieldFunc{
			"type": field("type"),
		},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Type", "string", 0, "Used to facilitate programmatic handling of secret data."),
			column("Data", "integer", 0, "The number of keys in data."),
			ageColumn(),
		},
		Cells: func(obj *unstructured.Unstructured, now time.Time) []any {
			n := len(unstructured.NestedMap(obj.Object, "data"))
			return []any{obj.Name(), str(obj.Object, "type"), int64(n), age(obj, now)}
		},
		Default:        defaultSecret,
		Validate:       validateSecret,
		ValidateUpdate: validateSecretUpdate,
	}
}

// defaultSecret sets type Opaque and, as the real server does when it decodes
// a secret, moves stringData into data (stringData wins) so it is never stored.
func defaultSecret(obj *unstructured.Unstructured) {
	setDefaultString(obj.Object, "type", corev1.SecretTypeOpaque)
	sd, ok := obj.Object["stringData"].(map[string]any)
	if !ok {
		delete(obj.Object, "stringData")
		return
	}
	data := child(obj.Object, "data")
	for k, v := range sd {
		if s, ok := v.(string); ok {
			data[k] = base64.StdEncoding.EncodeToString([]byte(s))
		}
	}
	delete(obj.Object, "stringData")
}

func validateSecret(obj *unstructured.Unstructured) validation.ErrorList {
	var errs validation.ErrorList
	data := unstructured.NestedMap(obj.Object, "data")
	decoded := make(map[string][]byte, len(data))
	size := 0
	for k, v := range data {
		p := validation.Key("data", k)
		errs = checkName(errs, p, k, isConfigKey)
		b, err := decodeBase64(v)
		if err != nil {
			errs = append(errs, validation.Invalid(p, "<secret contents redacted>", err.Error()))
			continue
		}
		decoded[k] = b
		size += len(b)
	}
	if size > maxDataSize {
		errs = append(errs, tooLong("data", maxDataSize))
	}
	required := func(key string) {
		if _, ok := decoded[key]; !ok {
			errs = append(errs, validation.Required(validation.Key("data", key), ""))
		}
	}
	jsonKey := func(key string) {
		if b, ok := decoded[key]; ok && !json.Valid(b) {
			errs = append(errs, validation.Invalid(validation.Key("data", key), "<secret contents redacted>", "must be valid JSON"))
		}
	}
	switch str(obj.Object, "type") {
	case corev1.SecretTypeServiceAccountToken:
		if obj.Annotations()["kubernetes.io/service-account.name"] == "" {
			errs = append(errs, validation.Required("metadata.annotations[kubernetes.io/service-account.name]", ""))
		}
	case corev1.SecretTypeDockercfg:
		required(".dockercfg")
		jsonKey(".dockercfg")
	case corev1.SecretTypeDockerConfigJSON:
		required(".dockerconfigjson")
		jsonKey(".dockerconfigjson")
	case corev1.SecretTypeBasicAuth:
		_, user := decoded["username"]
		_, pass := decoded["password"]
		if !user && !pass {
			required("username")
			required("password")
		}
	case corev1.SecretTypeSSHAuth:
		required("ssh-privatekey")
	case corev1.SecretTypeTLS:
		required("tls.crt")
		required("tls.key")
	}
	return errs
}

func validateSecretUpdate(obj, old *unstructured.Unstructured) validation.ErrorList {
	var errs validation.ErrorList
	if t, ot := str(obj.Object, "type"), str(old.Object, "type"); t != ot {
		errs = append(errs, validation.Invalid("type", t, "field is immutable"))
	}
	return append(errs, immutableData(obj, old, "data")...)
}
