package cli_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/internal/cli"
)

// describeTemplate fills the placeholders of testdata/describe/events.yaml:
// {{uid KIND NAMESPACE NAME}}, {{ago DURATION}} (an RFC 3339 time that long
// before now) and {{agoMicro DURATION}} (the same with microseconds).
// describeVolatile is what the server makes up that the generic layout
// shows.
var describeVolatile = regexp.MustCompile(`(?m)^(\s*(?:Resource Version|UID):\s+)\S+$`)

var describeTemplate = regexp.MustCompile(`\{\{(uid|ago|agoMicro) ([^}]+)\}\}`)

// TestDescribe describes the fixtures and compares with goldens. The clock
// of descriptions is set to five minutes after web-0 was created, and the
// events' times are written relative to it, so that every age is fixed; the
// creation times the server gives print as <created>.
func TestDescribe(t *testing.T) {
	e := newCmdEnv(t)
	objs := e.loadFile(t, "testdata/describe/objects.yaml")
	var now time.Time
	var created []string
	for _, o := range objs {
		ts, err := time.Parse(time.RFC3339, o.CreationTimestamp())
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, ts.UTC().Format(time.RFC1123Z), o.CreationTimestamp())
		if o.Name() == "web-0" {
			now = ts.Add(5 * time.Minute)
		}
	}
	defer cli.SetDescribeClock(now, time.UTC)()

	data, err := os.ReadFile("testdata/describe/events.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = describeTemplate.ReplaceAllFunc(data, func(m []byte) []byte {
		p := describeTemplate.FindStringSubmatch(string(m))
		if p[1] == "uid" {
			f := strings.Fields(p[2])
			o, err := e.get(t, f[0], f[1], f[2])
			if err != nil {
				t.Fatal(err)
			}
			return []byte(o.UID())
		}
		d, err := time.ParseDuration(p[2])
		if err != nil {
			t.Fatal(err)
		}
		if p[1] == "agoMicro" {
			return []byte(now.Add(-d).UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
		}
		return []byte(now.Add(-d).UTC().Format(time.RFC3339))
	})
	e.load(t, "events.yaml", data)

	tests := []struct {
		name string
		args []string
	}{
		{"pod", []string{"describe", "pod", "web-0", "-n", "shop"}},
		{"pod-type-name", []string{"describe", "pods/web-0", "--namespace=shop"}},
		{"pod-prefix", []string{"describe", "po", "web", "-n", "shop"}},
		{"pods-selector-all-namespaces", []string{"describe", "pods", "-l", "app=web,tier!=frontend", "-A"}},
		{"pod-file", []string{"describe", "-f", "testdata/describe/web-0.yaml"}},
		{"pod-no-events", []string{"describe", "pod", "web-1", "-n", "shop", "--show-events=false"}},
		{"node", []string{"describe", "node", "node-a"}},
		{"deployment", []string{"describe", "deploy", "web", "-n", "shop"}},
		{"service", []string{"describe", "svc", "web", "-n", "shop"}},
		{"namespace", []string{"describe", "namespace", "shop"}},
		{"configmap", []string{"describe", "cm", "settings", "-n", "shop"}},
		{"secret", []string{"describe", "secret", "creds", "-n", "shop"}},
		{"generic", []string{"describe", "lease", "web-leader", "-n", "shop"}},
		{"several-types", []string{"describe", "cm,secret", "-n", "shop"}},
		{"error-not-found", []string{"describe", "pod", "nope", "-n", "shop"}},
		{"error-some-not-found", []string{"describe", "cm", "nope", "settings", "-n", "shop"}},
		{"error-unknown-type", []string{"describe", "widgets", "w"}},
		{"error-no-type", []string{"describe"}},
		{"error-type-and-pair", []string{"describe", "pods", "pod/web-0"}},
		{"error-name-and-selector", []string{"describe", "pods", "web-0", "-l", "app=web"}},
		{"error-file-and-args", []string{"describe", "pods", "-f", "testdata/describe/web-0.yaml"}},
		{"no-resources", []string{"describe", "pods", "-l", "app=none", "-n", "shop"}},
		{"no-resources-all-namespaces", []string{"describe", "pods", "-l", "app=none", "-A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.kctl(t, "", tt.args...)
			out := "# kctl " + strings.Join(tt.args, " ") + "\n" + got.String()
			for _, c := range created {
				out = strings.ReplaceAll(out, c, "<created>")
			}
			out = describeVolatile.ReplaceAllString(out, "${1}<volatile>")
			cmdCheckGolden(t, "describe", tt.name, out)
		})
	}
}
