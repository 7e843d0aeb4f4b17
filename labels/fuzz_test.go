package labels

import (
	"reflect"
	"testing"
)

func FuzzParseLabels(f *testing.F) {
	for _, s := range []string{
		"", " ", "x", "!x", "x=a", "x==a", "x!=a", "x=", "x in (a,b)", "x notin ()",
		"x in (,a,)", "x in (a,,,)", "x in (a,,)", "x>1", "x<-1", "x>05",
		"in in (in,notin)", "!in", "notin=in", "a=b,c!=d,e in (f),!g,h",
		"example.com/app=web", " x = a , y != b ", "x=a b", "x in (a", ",", "x,",
		"a/b/c", "x=a\x00", "\x00", "x\vy", "x>99999999999999999999", "x===a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := Parse(s)
		if err != nil {
			if sel != nil {
				t.Fatalf("Parse(%q) returned a selector with error %v", s, err)
			}
			return
		}
		str := sel.String()
		again, err := Parse(str)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but Parse of its String %q failed: %v", s, str, err)
		}
		if got := again.String(); got != str {
			t.Fatalf("Parse(%q).String() = %q, but Parse of that gives %q", s, str, got)
		}
		if !reflect.DeepEqual(again.Requirements(), sel.Requirements()) {
			t.Fatalf("Parse(%q): requirements differ after round trip: %#v vs %#v", s, sel.Requirements(), again.Requirements())
		}
		if sel.Empty() != (str == "") {
			t.Fatalf("Parse(%q): Empty() = %v but String() = %q", s, sel.Empty(), str)
		}
		_ = sel.Matches(Set{"x": "1", "in": "", "a": "b"})
	})
}
