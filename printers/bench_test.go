package printers_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/printers"
)

// podTable returns a Table of n pods as a server sends it for kubectl get pods
// -A: the pod columns (IP, NODE, NOMINATED NODE and READINESS GATES wide
// only) and each row's object as metadata (includeObject=Metadata), spread
// over ten namespaces, with names, restarts and ages of varying widths.
func podTable(n int) *meta.Table {
	col := func(name string, priority int32) meta.TableColumnDefinition {
		format := ""
		if name == "Name" {
			format = "name"
		}
		return meta.TableColumnDefinition{Name: name, Type: "string", Format: format, Priority: priority}
	}
	t := &meta.Table{
		ColumnDefinitions: []meta.TableColumnDefinition{
			col("Name", 0), col("Ready", 0), col("Status", 0), col("Restarts", 0), col("Age", 0),
			col("IP", 1), col("Node", 1), col("Nominated Node", 1), col("Readiness Gates", 1),
		},
		Rows: make([]meta.TableRow, n),
	}
	ages := []string{"5d", "12h", "3m20s", "47d", "9s", "100d"}
	for i := range n {
		restarts := "0"
		if i%7 == 0 {
			restarts = fmt.Sprintf("%d (%s ago)", i%13, ages[i%len(ages)])
		}
		name := fmt.Sprintf("checkout-%d", i)
		ns := fmt.Sprintf("shop-%d", i%10)
		t.Rows[i] = meta.TableRow{
			Cells: []any{name, "2/2", "Running", restarts, ages[(i/3)%len(ages)],
				fmt.Sprintf("10.244.%d.%d", i/256%256, i%256), fmt.Sprintf("node-%d", i%50), "<none>", "<none>"},
			Object: meta.RawJSON(fmt.Sprintf(`{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":%q,"namespace":%q,"labels":{"app":"checkout","shard":"%d"}}}`, name, ns, i%16)),
		}
	}
	return t
}

// BenchmarkTable10000Pods prints a 10,000-row pod Table (kubectl get pods
// -A, and -A -o wide --show-labels) and flushes it. ns/op covers Print
// (decoding) and Flush; flush-ns/op is the Flush alone: the layout.
//
//	go test -run '^$' -bench Table10000Pods -benchmem ./printers
func BenchmarkTable10000Pods(b *testing.B) {
	table := podTable(10_000)
	for _, bc := range []struct {
		name string
		opts printers.Options
	}{
		{"all-namespaces", printers.Options{WithNamespace: true}},
		{"all-namespaces-wide-labels", printers.Options{WithNamespace: true, Output: "wide", ShowLabels: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var flush time.Duration
			for b.Loop() {
				p, err := printers.New(bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if err := p.Print(table); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := p.Flush(io.Discard); err != nil {
					b.Fatal(err)
				}
				flush += time.Since(start)
			}
			b.ReportMetric(float64(flush.Nanoseconds())/float64(b.N), "flush-ns/op")
		})
	}
}
