package fields

import (
	"reflect"
	"testing"
)

func FuzzParseFields(f *testing.F) {
	for _, s := range []string{
		"", ",", "a", "a=b", "a==b", "a!=b", "a=", "=b", "a=b,c!=d", `a=x\,y`, `a=x\=y`,
		`a=\\`, `a=\\,b=c`, `a=b\`, `a=b\x`, "a=b=c", "a!!=b", "a<=b", `a\,b=c`, `a\=b`,
		`a\!=b`, "a = b", "metadata.name=foo,status.phase!=Running", "a=\xff", `a=\` + "\xff",
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
		for _, r := range sel.Requirements() {
			if r.Operator != Equals && r.Operator != NotEquals {
				t.Fatalf("Parse(%q): operator %q not normalized", s, r.Operator)
			}
			if _, ok := sel.RequiresExactMatch(r.Field); r.Operator == Equals && !ok {
				t.Fatalf("Parse(%q): RequiresExactMatch(%q) = false despite %v", s, r.Field, r)
			}
		}
	})
}
