package httpcache

import "testing"

func TestETagMatches(t *testing.T) {
	cases := []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{`"a"`}, true},
		{[]string{`W/"a"`}, true},
		{[]string{`"b", "a"`}, true},
		{[]string{`"b"`, `"a"`}, true},
		{[]string{`*`}, true},
		{[]string{`"b"`}, false},
	}
	for _, c := range cases {
		if got := ETagMatches(c.header, `"a"`); got != c.want {
			t.Errorf("ETagMatches(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}
