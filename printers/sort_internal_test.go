package printers

import (
	"math/big"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	ordered := []string{"", "0", "00", "1", "01", "2", "10", "a", "a0", "a1", "a2", "a10", "a10b", "a010", "ab", "pod-2", "pod-10", "pod-10-a", "web"}
	for i := range ordered {
		for j := range ordered {
			got := naturalCompare(ordered[i], ordered[j])
			want := cmp3(i < j, i > j)
			if got != want {
				t.Errorf("naturalCompare(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestParseQuantity(t *testing.T) {
	for s, want := range map[string]string{
		"100m": "1/10", "1": "1", "1.5": "3/2", "2Ki": "2048", "64Mi": "67108864", "1G": "1000000000",
		"1e3": "1000", "1E-3": "1/1000", "-2": "-2", "+3k": "3000", "500u": "1/2000", "1E": "1000000000000000000",
	} {
		got, err := parseQuantity(s)
		w, _ := new(big.Rat).SetString(want)
		if err != nil || got.Cmp(w) != 0 {
			t.Errorf("parseQuantity(%q) = %v, %v; want %s", s, got, err, want)
		}
	}
	for _, s := range []string{"", "web", "1x", "Mi", "1.2.3", "e3", "1e", "--1", "1/2"} {
		if q, err := parseQuantity(s); err == nil {
			t.Errorf("parseQuantity(%q) = %v, want an error", s, q)
		}
	}
}

func TestCompareValues(t *testing.T) {
	for _, tc := range []struct {
		a, b any
		want int
	}{
		{int64(2), int64(10), -1},
		{int64(2), 2.5, -1},
		{3.5, int64(3), 1},
		{"100m", "1", -1},
		{"2Gi", "1500Mi", 1},
		{"pod-10", "pod-9", 1},
		{"b", "a", 1},
		{nil, "a", -1},
		{"a", nil, 1},
		{[]any{int64(1), int64(2)}, []any{int64(1), int64(3)}, -1},
	} {
		got, err := compareValues(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("compareValues(%v, %v) = %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
		}
	}
	if _, err := compareValues(map[string]any{}, map[string]any{}); err == nil {
		t.Error("objects compared")
	}
	if _, err := compareValues(true, false); err == nil {
		t.Error("booleans compared")
	}
}
