package kinds

import (
	"math/big"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	cases := []struct {
		in   string
		want string // exact value as a fraction, "" when invalid
	}{
		{"1", "1/1"}, {"1000m", "1/1"}, {"500m", "1/2"}, {"1.5", "3/2"}, {".5", "1/2"}, {"5.", "5/1"},
		{"1Ki", "1024/1"}, {"1Gi", "1073741824/1"}, {"1024Mi", "1073741824/1"}, {"2k", "2000/1"},
		{"1e3", "1000/1"}, {"1E3", "1000/1"}, {"1E", "1000000000000000000/1"}, {"1Ei", "1152921504606846976/1"},
		{"+2", "2/1"}, {"-1", "-1/1"}, {"100n", "1/10000000"}, {"3u", "3/1000000"},
		{"", ""}, {"Mi", ""}, {"1x", ""}, {"1.2.3", ""}, {"2e", ""}, {"e3", ""}, {".", ""}, {"1 Gi", ""}, {"1KiB", ""},
	}
	for _, c := range cases {
		r, ok := parseQuantity(c.in)
		if c.want == "" {
			if ok {
				t.Errorf("parseQuantity(%q) = %v, want invalid", c.in, r)
			}
			continue
		}
		want, _ := new(big.Rat).SetString(c.want)
		if !ok || r.Cmp(want) != 0 {
			t.Errorf("parseQuantity(%q) = %v, %v; want %v", c.in, r, ok, want)
		}
	}
}
