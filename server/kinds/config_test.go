package kinds

import (
	"fmt"
	"strings"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

func TestConfigMap(t *testing.T) {
	k := kind(t, "configmaps")
	cm := func(body string) *unstructured.Unstructured {
		return decode(t, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","creationTimestamp":"`+created+`"}`+body+`}`)
	}
	if got := fmt.Sprint(k.Cells(cm(`,"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}`), now)); got != "[c 3 120m]" {
		t.Errorf("cells %s", got)
	}
	big := strings.Repeat("x", 1<<20)
	cases := []struct {
		name, body string
		want       []string
	}{
		{"valid", `,"data":{"app.yaml":"x","KEY_1":"y","-.x":"z"},"binaryData":{"bin":"AAEC"}`, nil},
		{"bad keys", `,"data":{"a/b":"x","..":"y","..x":"z"}`, []string{"FieldValueInvalid data[a/b]", "FieldValueInvalid data[..]", "FieldValueInvalid data[..x]"}},
		{"duplicate key", `,"data":{"a":"x"},"binaryData":{"a":"AA=="}`, []string{"FieldValueInvalid binaryData[a]"}},
		{"bad base64", `,"binaryData":{"a":"!!"}`, []string{"FieldValueInvalid binaryData[a]"}},
		{"too big", `,"data":{"a":"` + big + `","b":"x"}`, []string{"FieldValueTooLong "}},
	}
	for _, c := range cases {
		checkErrs(t, c.name, k.Validate(cm(c.body)), c.want...)
	}
	old := cm(`,"immutable":true,"data":{"a":"1"}`)
	checkErrs(t, "immutable unchanged", k.ValidateUpdate(old.DeepCopy(), old))
	checkErrs(t, "immutable changed", k.ValidateUpdate(cm(`,"data":{"a":"2"}`), old), "FieldValueForbidden immutable", "FieldValueForbidden data")
	checkErrs(t, "mutable changed", k.ValidateUpdate(cm(`,"data":{"a":"2"}`), cm(`,"data":{"a":"1"}`)))
}

func TestSecret(t *testing.T) {
	k := kind(t, "secrets")
	secret := func(body string) *unstructured.Unstructured {
		s := decode(t, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","creationTimestamp":"`+created+`"}`+body+`}`)
		k.Default(s)
		return s
	}
	s := secret(`,"data":{"a":"eA=="},"stringData":{"b":"hello","a":"override"}`)
	if str(s.Object, "type") != "Opaque" || has(s.Object, "stringData") ||
		str(s.Object, "data", "b") != "aGVsbG8=" || str(s.Object, "data", "a") != "b3ZlcnJpZGU=" {
		t.Errorf("defaulted secret %v", s.Object)
	}
	if got := fmt.Sprint(k.Cells(s, now)); got != "[s Opaque 2 120m]" {
		t.Errorf("cells %s", got)
	}
	if got := k.Fields["type"](s); got != "Opaque" {
		t.Errorf("type field %q", got)
	}
	cases := []struct {
		name, body string
		want       []string
	}{
		{"valid", `,"data":{"tls.crt":"eA==","tls.key":"eA=="},"type":"kubernetes.io/tls"`, nil},
		{"tls keys", `,"data":{"tls.crt":"eA=="},"type":"kubernetes.io/tls"`, []string{"FieldValueRequired data[tls.key]"}},
		{"not base64", `,"data":{"a":"%%%"}`, []string{"FieldValueInvalid data[a]"}},
		{"bad key", `,"data":{"a b":"eA=="}`, []string{"FieldValueInvalid data[a b]"}},
		{"dockerconfigjson", `,"data":{".dockerconfigjson":"eA=="},"type":"kubernetes.io/dockerconfigjson"`, []string{"FieldValueInvalid data[.dockerconfigjson]"}},
		{"basic auth", `,"type":"kubernetes.io/basic-auth"`, []string{"FieldValueRequired data[username]", "FieldValueRequired data[password]"}},
		{"sa token", `,"type":"kubernetes.io/service-account-token"`, []string{"FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]"}},
		{"too big", `,"data":{"a":"` + strings.Repeat("AAAA", (1<<20)/3+1) + `"}`, []string{"FieldValueTooLong data"}},
	}
	for _, c := range cases {
		checkErrs(t, c.name, k.Validate(secret(c.body)), c.want...)
	}
	old := secret(`,"data":{"a":"eA=="},"immutable":true`)
	checkErrs(t, "type changed", k.ValidateUpdate(secret(`,"data":{"a":"eA=="},"immutable":true,"type":"x/y"`), old), "FieldValueInvalid type")
	checkErrs(t, "immutable data", k.ValidateUpdate(secret(`,"data":{"a":"eQ=="},"immutable":true`), old), "FieldValueForbidden data")
}
