package describe_test

import (
	"os"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/describe"
)

func ExampleRender() {
	obj, _ := unstructured.Decode([]byte(`{
		"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
		"metadata": {"name": "db", "namespace": "default", "labels": {"app": "web"}},
		"data": {"password": "czNjcjN0", "user": "YWRtaW4="}
	}`))
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	events := []corev1.Event{{
		Type: "Normal", Reason: "Rotated", Message: "password rotated", Count: 3,
		Source:         corev1.EventSource{Component: "rotator"},
		FirstTimestamp: meta.NewTime(now.Add(-90 * time.Minute)),
		LastTimestamp:  meta.NewTime(now.Add(-5 * time.Minute)),
	}}
	_ = describe.Render(os.Stdout, &describe.Input{Object: obj, Events: events, ShowEvents: true, Now: now, Location: time.UTC})
	// Output:
	// Name:         db
	// Namespace:    default
	// Labels:       app=web
	// Annotations:  <none>
	//
	// Type:  Opaque
	//
	// Data
	// ====
	// password:  6 bytes
	// user:      5 bytes
	//
	// Events:
	//   Type    Reason   Age               From     Message
	//   ----    ------   ----              ----     -------
	//   Normal  Rotated  5m (x3 over 90m)  rotator  password rotated
}
