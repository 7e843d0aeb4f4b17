package fields

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in   string
		want string
		reqs []Requirement
	}{
		{"", "", nil},
		{",", "", nil},
		{",,", "", nil},
		{"a=b", "a=b", []Requirement{{"a", "=", "b"}}},
		{"a==b", "a=b", []Requirement{{"a", "=", "b"}}},
		{"a!=b", "a!=b", []Requirement{{"a", "!=", "b"}}},
		{"a=", "a=", []Requirement{{"a", "=", ""}}},
		{"a!=", "a!=", []Requirement{{"a", "!=", ""}}},
		{"=b", "=b", []Requirement{{"", "=", "b"}}},
		{"metadata.name=foo,status.phase!=Running", "metadata.name=foo,status.phase!=Running", []Requirement{{"metadata.name", "=", "foo"}, {"status.phase", "!=", "Running"}}},
		{"b=1,a=2", "a=2,b=1", []Requirement{{"a", "=", "2"}, {"b", "=", "1"}}},
		{"a==x,a=b", "a=b,a=x", []Requirement{{"a", "=", "b"}, {"a", "=", "x"}}},
		{"a=b,,c=d,", "a=b,c=d", []Requirement{{"a", "=", "b"}, {"c", "=", "d"}}},
		{"a=b,a=b", "a=b,a=b", []Requirement{{"a", "=", "b"}, {"a", "=", "b"}}},
		{`a=x\,y`, `a=x\,y`, []Requirement{{"a", "=", "x,y"}}},
		{`a=x\=y`, `a=x\=y`, []Requirement{{"a", "=", "x=y"}}},
		{`a=x\\y`, `a=x\\y`, []Requirement{{"a", "=", `x\y`}}},
		{`a=\\`, `a=\\`, []Requirement{{"a", "=", `\`}}},
		{`a=\\,b=c`, `a=\\,b=c`, []Requirement{{"a", "=", `\`}, {"b", "=", "c"}}},
		{`a!=\,\=\\`, `a!=\,\=\\`, []Requirement{{"a", "!=", `,=\`}}},
		{"a = b", "a = b", []Requirement{{"a ", "=", " b"}}}, // no trimming, as Kubernetes
		{"a<=b", "a<=b", []Requirement{{"a<", "=", "b"}}},
		{"a=!b", "a=!b", []Requirement{{"a", "=", "!b"}}},
		{"a!!=b", "a!!=b", []Requirement{{"a!", "!=", "b"}}},
		{`a\,b=c`, `a\,b=c`, []Requirement{{`a\,b`, "=", "c"}}}, // the field is taken as written
		{"spec.nodeName=é", "spec.nodeName=é", []Requirement{{"spec.nodeName", "=", "é"}}},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := sel.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if got := sel.Requirements(); !reflect.DeepEqual(got, tt.reqs) {
			t.Errorf("Parse(%q).Requirements() = %#v, want %#v", tt.in, got, tt.reqs)
		}
		if sel.Empty() != (len(tt.reqs) == 0) {
			t.Errorf("Parse(%q).Empty() = %v", tt.in, sel.Empty())
		}
		again, err := Parse(sel.String())
		if err != nil {
			t.Errorf("round trip of %q: Parse(%q): %v", tt.in, sel.String(), err)
			continue
		}
		if again.String() != sel.String() || !reflect.DeepEqual(again.Requirements(), sel.Requirements()) {
			t.Errorf("round trip of %q: got %#v, want %#v", tt.in, again.Requirements(), sel.Requirements())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"a", `can't understand "a"`},
		{" ", `can't understand " "`},
		{"a=b,c", `can't understand "c"`},
		{"a>b", `can't understand "a>b"`},
		{"a<b", `can't understand "a<b"`},
		{"a in (b)", `can't understand "a in (b)"`},
		{"!a", `can't understand "!a"`},
		{"a=b=c", `value of "a": unescaped '=' in "b=c"`},
		{"a===b", `value of "a": unescaped '='`},
		{"a!==b", `unescaped '='`},
		{`a=b\`, `trailing "\"`},
		{`a=b\x`, `invalid escape sequence "\\x"`},
		{`a=\é`, `invalid escape sequence "\\é"`},
		{`a=b\\\`, `trailing`},
		{`a=b\,c=d`, `unescaped '='`}, // the escaped comma does not split
	}
	for _, tt := range tests {
		sel, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want error", tt.in, sel)
			continue
		}
		if sel != nil {
			t.Errorf("Parse(%q) returned a selector with an error", tt.in)
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		sel    string
		fields Set
		want   bool
	}{
		{"", nil, true},
		{"", Set{"a": "b"}, true},
		{"a=b", Set{"a": "b"}, true},
		{"a==b", Set{"a": "b"}, true},
		{"a=b", Set{"a": "c"}, false},
		{"a=b", Set{}, false},
		{"a=", Set{}, true}, // an absent field reads as "", as Kubernetes
		{"a=", Set{"a": ""}, true},
		{"a!=b", Set{"a": "c"}, true},
		{"a!=b", Set{"a": "b"}, false},
		{"a!=b", Set{}, true},
		{"a!=b", nil, true},
		{"a!=", Set{}, false},
		{`a=x\,y`, Set{"a": "x,y"}, true},
		{`a=x\\y`, Set{"a": `x\y`}, true},
		{"metadata.name=foo,metadata.namespace=ns", Set{"metadata.name": "foo", "metadata.namespace": "ns"}, true},
		{"metadata.name=foo,metadata.namespace=ns", Set{"metadata.name": "foo", "metadata.namespace": "other"}, false},
		{"a=b,a=c", Set{"a": "b"}, false},
		{"a!=b,a!=c", Set{"a": "d"}, true},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		var f Fields
		if tt.fields != nil {
			f = tt.fields
		}
		if got := sel.Matches(f); got != tt.want {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tt.sel, tt.fields, got, tt.want)
		}
	}
	if (Requirement{Field: "a", Operator: "<", Value: "b"}).Matches(Set{"a": "a"}) {
		t.Error("unknown operator matched")
	}
	if !(Requirement{Field: "a", Operator: "==", Value: "b"}).Matches(Set{"a": "b"}) {
		t.Error(`hand-built "==" did not match`)
	}
}

func TestRequiresExactMatch(t *testing.T) {
	tests := []struct {
		sel, field string
		wantValue  string
		wantOK     bool
	}{
		{"a=b", "a", "b", true},
		{"a==b", "a", "b", true},
		{"a=", "a", "", true},
		{`a=x\,y`, "a", "x,y", true},
		{"a!=b", "a", "", false},
		{"a=b", "c", "", false},
		{"", "a", "", false},
		{"a!=x,a=y,c=d", "a", "y", true},
		{"c=d,a=b", "c", "d", true},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		v, ok := sel.RequiresExactMatch(tt.field)
		if v != tt.wantValue || ok != tt.wantOK {
			t.Errorf("Parse(%q).RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.sel, tt.field, v, ok, tt.wantValue, tt.wantOK)
		}
	}
}

func TestConstructors(t *testing.T) {
	if sel := Everything(); !sel.Empty() || sel.String() != "" || !sel.Matches(nil) || sel.Requirements() != nil {
		t.Error("Everything() wrong")
	}
	sel := OneTermEqual("metadata.name", "a,b=c")
	if sel.Empty() || sel.String() != `metadata.name=a\,b\=c` || !sel.Matches(Set{"metadata.name": "a,b=c"}) {
		t.Errorf("OneTermEqual: %q", sel)
	}
	if v, ok := sel.RequiresExactMatch("metadata.name"); v != "a,b=c" || !ok {
		t.Errorf("OneTermEqual RequiresExactMatch = %q, %v", v, ok)
	}
	if again, err := Parse(sel.String()); err != nil || !reflect.DeepEqual(again.Requirements(), sel.Requirements()) {
		t.Errorf("OneTermEqual round trip: %v, %v", again, err)
	}

	for _, s := range []Set{nil, {}} {
		if sel := SelectorFromSet(s); !sel.Empty() || sel.String() != "" {
			t.Errorf("SelectorFromSet(%#v) should be Everything", s)
		}
	}
	set := Set{"b": "2", "a": `1\`, "c": ""}
	sel = SelectorFromSet(set)
	if got := sel.String(); got != `a=1\\,b=2,c=` {
		t.Errorf("SelectorFromSet String() = %q", got)
	}
	if got := set.String(); got != `a=1\\,b=2,c=` {
		t.Errorf("Set.String() = %q", got)
	}
	if !sel.Matches(set) || sel.Matches(Set{"a": `1\`, "b": "3"}) {
		t.Error("SelectorFromSet matches wrongly")
	}
	if !set.Has("c") || set.Has("d") || set.Get("b") != "2" {
		t.Error("Set Has/Get wrong")
	}
	// Requirements is a copy.
	reqs := sel.Requirements()
	reqs[0].Value = "changed"
	if sel.String() != `a=1\\,b=2,c=` {
		t.Error("selector changed through Requirements()")
	}
}

func TestValidate(t *testing.T) {
	allowed := func(f string) bool { return f == "metadata.name" || f == "metadata.namespace" }
	tests := []struct {
		sel, wantErr string
	}{
		{"", ""},
		{"metadata.name=a,metadata.namespace!=b", ""},
		{"spec.nodeName=x", "field label not supported: spec.nodeName"},
		{"metadata.name=a,status.phase=Running,spec.x=y", "field label not supported: spec.x"},
		{"metadata.name =a", "field label not supported: metadata.name "},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatal(err)
		}
		err = Validate(sel, allowed)
		if got := ""; err != nil {
			got = err.Error()
			if got != tt.wantErr {
				t.Errorf("Validate(%q) = %q, want %q", tt.sel, got, tt.wantErr)
			}
		} else if tt.wantErr != "" {
			t.Errorf("Validate(%q) = nil, want %q", tt.sel, tt.wantErr)
		}
	}
	if err := Validate(nil, allowed); err != nil {
		t.Errorf("Validate(nil) = %v", err)
	}
}

func TestEscape(t *testing.T) {
	for _, s := range []string{"", "plain", `a\b`, "a,b", "a=b", `\,=\\`, "é\x00\xff"} {
		esc := EscapeValue(s)
		got, err := UnescapeValue(esc)
		if err != nil || got != s {
			t.Errorf("UnescapeValue(EscapeValue(%q)) = %q, %v", s, got, err)
		}
	}
}
