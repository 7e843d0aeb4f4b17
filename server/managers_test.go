package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestFieldManagerNames checks the manager a write records in managedFields:
// the fieldManager parameter when given (and then validated), else the
// User-Agent's product name made valid, as kube-apiserver does: unprintable
// characters dropped, cut to 128 bytes without splitting a character. A
// User-Agent never fails a write.
func TestFieldManagerNames(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("é", 100) // 200 bytes
	cases := []struct {
		name      string
		query     string
		userAgent string
		want      string
	}{
		{"parameter", "?fieldManager=" + url.QueryEscape("managér"), "kubectl/v1.32.0", "managér"},
		{"user agent product", "", "kubectl/v1.32.0 (linux/amd64) kubernetes/abc", "kubectl"},
		{"user agent with unprintable characters", "", "my\u200bctl\tx/1.0", "myctlx"},
		{"long user agent", "", long + "/1.0", strings.Repeat("é", 64)},
		{"no product", "", "/1.0", "unknown"}, // an empty name is recorded as "unknown"
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := "cm" + string(rune('a'+i))
			r := ts.must(201, "POST", "/api/v1/namespaces/default/configmaps"+tc.query, configMap(name, map[string]string{"k": "v"}), "User-Agent: "+tc.userAgent)
			md, _ := r.obj["metadata"].(map[string]any)
			entries, _ := md["managedFields"].([]any)
			if len(entries) != 1 {
				t.Fatalf("managedFields: %v", md["managedFields"])
			}
			entry, _ := entries[0].(map[string]any)
			if got, _ := entry["manager"].(string); got != tc.want {
				t.Errorf("manager %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{strings.Repeat("m", 129), "a\tb"} {
		r := ts.do("POST", "/api/v1/namespaces/default/configmaps?fieldManager="+url.QueryEscape(bad), configMap("bad", nil))
		if r.code != 422 || !strings.Contains(r.str("message"), "fieldManager") {
			t.Errorf("fieldManager=%q: %d %s", bad, r.code, r.raw)
		}
	}
}
