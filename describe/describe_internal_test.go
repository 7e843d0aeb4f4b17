package describe

import (
	"testing"
)

func TestQuantityString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"1", "1"},
		{"1000m", "1"},
		{"0.5", "500m"},
		{"1.5", "1500m"},
		{"250m", "250m"},
		{"64Mi", "64Mi"},
		{"1024Mi", "1Gi"},
		{"1536Mi", "1536Mi"},
		{"1.5Gi", "1536Mi"},
		{"512", "512"},
		{"1024", "1024"},
		{"1G", "1G"},
		{"1500M", "1500M"},
		{"1500000", "1500k"},
		{"1e3", "1e3"},
		{"1.5e3", "1500"},
		{"100n", "100n"},
		{"0.1n", "1n"},
		{"-2", "-2"},
		{"-500m", "-500m"},
		{"12E", "12E"},
	}
	for _, tt := range tests {
		q, ok := parseQuantity(tt.in)
		if !ok {
			t.Errorf("parseQuantity(%q) failed", tt.in)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "Mi", "1e", "1x"} {
		if _, ok := parseQuantity(bad); ok {
			t.Errorf("parseQuantity(%q) succeeded", bad)
		}
	}
	if got := canonicalQuantity("not a quantity"); got != "not a quantity" {
		t.Errorf("canonicalQuantity kept %q", got)
	}
}

func TestQuantitySumAndMilli(t *testing.T) {
	sum := func(in ...string) quantity {
		var q quantity
		for _, s := range in {
			p, _ := parseQuantity(s)
			q = q.add(p)
		}
		return q
	}
	tests := []struct {
		in        []string
		want      string
		wantMilli int64
	}{
		{[]string{"100m", "250m"}, "350m", 350},
		{[]string{"1", "500m"}, "1500m", 1500},
		{[]string{"64Mi", "128Mi"}, "192Mi", 192 << 20 * 1000},
		{[]string{"1G", "500M"}, "1500M", 1_500_000_000_000},
		{[]string{"1n"}, "1n", 1},
	}
	for _, tt := range tests {
		q := sum(tt.in...)
		if q.String() != tt.want || q.milli() != tt.wantMilli {
			t.Errorf("sum %v = %s (milli %d), want %s (%d)", tt.in, q, q.milli(), tt.want, tt.wantMilli)
		}
	}
	if zeroQuantity().String() != "0" || (quantity{}).milli() != 0 {
		t.Error("zero quantity")
	}
}

func TestFieldLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"apiVersion", "API Version"},
		{"uid", "UID"},
		{"holderIdentity", "Holder Identity"},
		{"leaseDurationSeconds", "Lease Duration Seconds"},
		{"HTTPServer", "HTTP Server"},
		{"podIPs", "Pod I Ps"},
		{"kube-proxy", "Kube Proxy"},
		{"selfLinkURL", "Self Link URL"},
		{"tls.crt", "tls.crt"},
		{"port8080", "port8080"},
		{"x", "X"},
	}
	for _, tt := range tests {
		if got := fieldLabel(tt.in); got != tt.want {
			t.Errorf("fieldLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
