package labels

import (
	"reflect"
	"strings"
	"testing"

	"kctl.dev/kctl/api/meta"
)

var (
	name63  = strings.Repeat("a", 63)
	name64  = strings.Repeat("a", 64)
	prefix  = "example.com/"
	longKey = strings.Repeat("d", 253) + "/x"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{" \t\r\n", ""},
		{"x=a", "x=a"},
		{"x==a", "x==a"},
		{"x!=a", "x!=a"},
		{" x = a , y != b ", "x=a,y!=b"},
		{"b=1,a=2", "a=2,b=1"},
		{"x=", "x="},
		{"x==", "x=="},
		{"x!=", "x!="},
		{"x=,y", "x=,y"},
		{"x", "x"},
		{"!x", "!x"},
		{"! x", "!x"},
		{"x,!y,z=1", "x,!y,z=1"},
		{"x in (b,a,b)", "x in (a,b)"},
		{"x in(a)", "x in (a)"},
		{"x in ( a , b )", "x in (a,b)"},
		{"x notin (a)", "x notin (a)"},
		{"x in ()", "x in ()"},
		{"x in (,)", "x in ()"},
		{"x in (a,)", "x in (,a)"},
		{"x in (,a)", "x in (,a)"},
		{"x in (foo,,baz)", "x in (,baz,foo)"},
		{"x in (a,,,)", "x in (,a)"},
		{"x in (,,a)", "x in (,a)"},
		{"x notin ()", "x notin ()"},
		{"x>1", "x>1"},
		{"x < 10", "x<10"},
		{"x>05", "x>05"},
		{"x>0,x<9223372036854775807", "x<9223372036854775807,x>0"},
		{"in=notin", "in=notin"},
		{"in in (in,notin)", "in in (in,notin)"},
		{"notin", "notin"},
		{"!in", "!in"},
		{"x=in", "x=in"},
		{"a=b,a=c,a", "a,a=b,a=c"},
		{prefix + "app=web", prefix + "app=web"},
		{name63 + "=" + name63, name63 + "=" + name63},
		{longKey, longKey},
		{"A_b.c-D=X_y.Z-9", "A_b.c-D=X_y.Z-9"},
		{"x in (a),y notin (b,c),!z,w", "w,x in (a),y notin (b,c),!z"},
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
		if sel.Empty() != (tt.want == "") {
			t.Errorf("Parse(%q).Empty() = %v", tt.in, sel.Empty())
		}
		again, err := Parse(sel.String())
		if err != nil {
			t.Errorf("Parse(%q) (round trip of %q): %v", sel.String(), tt.in, err)
			continue
		}
		if !reflect.DeepEqual(again.Requirements(), sel.Requirements()) || again.String() != sel.String() {
			t.Errorf("round trip of %q: got %#v, want %#v", tt.in, again.Requirements(), sel.Requirements())
		}
	}
}

func TestParseRequirements(t *testing.T) {
	sel, err := Parse("x in (b,a), !y, z>3, w")
	if err != nil {
		t.Fatal(err)
	}
	want := []Requirement{
		{Key: "w", Operator: Exists},
		{Key: "x", Operator: In, Values: []string{"a", "b"}},
		{Key: "y", Operator: DoesNotExist},
		{Key: "z", Operator: GreaterThan, Values: []string{"3"}},
	}
	got := sel.Requirements()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Requirements() = %#v, want %#v", got, want)
	}
	// The copy is the caller's.
	got[1].Values[0] = "zzz"
	got[0].Key = "changed"
	if sel.String() != "w,x in (a,b),!y,z>3" {
		t.Fatalf("selector changed through Requirements(): %q", sel.String())
	}
	if Everything().Requirements() != nil || Nothing().Requirements() != nil {
		t.Fatal("Everything/Nothing should have no requirements")
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string // substring of the error
	}{
		{",", `found ","`},
		{",x", `found "," at offset 0`},
		{"x,", "found end of string at offset 2"},
		{"x,,y", `found "," at offset 2`},
		{"x=a b", `found "b" at offset 4, expected "," or end of string`},
		{"x == a b", `found "b"`},
		{"x=a=b", `found "="`},
		{"x=(a)", `found "(" at offset 2, expected a value`},
		{"x===a", `found "=" at offset 3, expected a value`},
		{"!", `found end of string at offset 1, expected a label key after "!"`},
		{"!=a", `found "!=" at offset 0, expected "!" or a label key`},
		{"!x=a", `found "=" at offset 2`},
		{"!x in (a)", `found "in"`},
		{"!!x", `found "!" at offset 1`},
		{"x!a", `found "!" at offset 1 after key "x"`},
		{"X Y", `found "Y" at offset 2 after key "X"`},
		{"x IN (a)", `found "IN"`},
		{"x)", `found ")"`},
		{"()", `found "("`},
		{"x in a", `found "a" at offset 5, expected "("`},
		{"x in", `found end of string at offset 4, expected "("`},
		{"x in (a", `found end of string at offset 7, expected "," or ")"`},
		{"x in (a b)", `found "b"`},
		{"x in (", `found end of string at offset 6, expected a value, "," or ")"`},
		{"x in (=)", `found "="`},
		{"x in (a,=)", `found "="`},
		{"x in (a,,)", `found ")"`}, // as Kubernetes
		{"x in (,,)", `found ")"`},  // as Kubernetes
		{"x notin (a", "end of string"},
		{"x=a,y in (b", "end of string"},
		{"x>", `operator ">" needs an integer value, got ""`},
		{"x>a", `needs an integer value, got "a"`},
		{"x<1.5", `needs an integer value, got "1.5"`},
		{"x>99999999999999999999", "needs an integer value"},
		{"x>-1", `invalid label value "-1" for key "x"`},
		{"x>>1", `found ">" at offset 2, expected a value`},
		{"x<=1", `found "=" at offset 2, expected a value`},
		{"-x", `invalid label key "-x"`},
		{"x-", `invalid label key "x-"`},
		{"x/", `invalid label key "x/": name part must be non-empty`},
		{"/x", `invalid label key "/x": prefix part must be non-empty`},
		{"Example.com/x", `invalid label key "Example.com/x": prefix part`},
		{"a/b/c", `invalid label key "a/b/c"`},
		{"a:b=c", `invalid label key "a:b"`},
		{name64, "must be no more than 63 characters"},
		{"!" + name64, "must be no more than 63 characters"},
		{"x=" + name64, "must be no more than 63 characters"},
		{"x in (a," + name64 + ")", "must be no more than 63 characters"},
		{"x=-a", `invalid label value "-a" for key "x"`},
		{"x=a.", `invalid label value "a."`},
		{"x=a\x00", `invalid label value "a\x00"`},
		{"x=é", `invalid label value "é"`},
		{"\x00", `invalid label key "\x00"`},
		{"x\vy", `invalid label key "x\vy"`},
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
		labels Set
		want   bool
	}{
		{"", nil, true},
		{"", Set{"x": "a"}, true},
		{"x=a", Set{"x": "a"}, true},
		{"x=a", Set{"x": "a", "y": "b"}, true},
		{"x=a", Set{"x": "b"}, false},
		{"x=a", Set{}, false},
		{"x==a", Set{"x": "a"}, true},
		{"x==a", Set{"x": "b"}, false},
		{"x=", Set{"x": ""}, true},
		{"x=", Set{}, false},
		{"x!=a", Set{"x": "b"}, true},
		{"x!=a", Set{"x": "a"}, false},
		{"x!=a", Set{}, true}, // a missing key is not equal
		{"x!=a", nil, true},
		{"x!=", Set{}, true},
		{"x!=", Set{"x": ""}, false},
		{"x in (a,b)", Set{"x": "b"}, true},
		{"x in (a,b)", Set{"x": "c"}, false},
		{"x in (a,b)", Set{}, false},
		{"x in ()", Set{"x": ""}, true},
		{"x in ()", Set{}, false},
		{"x in (a,)", Set{"x": ""}, true},
		{"x notin (a,b)", Set{"x": "c"}, true},
		{"x notin (a,b)", Set{"x": "a"}, false},
		{"x notin (a,b)", Set{}, true}, // a missing key is in no set
		{"x notin ()", Set{"x": ""}, false},
		{"x notin ()", Set{"x": "a"}, true},
		{"x", Set{"x": ""}, true},
		{"x", Set{"y": "x"}, false},
		{"!x", Set{}, true},
		{"!x", nil, true},
		{"!x", Set{"x": ""}, false},
		{"x>5", Set{"x": "6"}, true},
		{"x>5", Set{"x": "5"}, false},
		{"x>5", Set{"x": "abc"}, false},
		{"x>5", Set{"x": "6.5"}, false},
		{"x>5", Set{"x": ""}, false},
		{"x>5", Set{}, false},
		{"x<5", Set{"x": "4"}, true},
		{"x<5", Set{"x": "-10"}, true},
		{"x<5", Set{"x": "5"}, false},
		{"x<5", Set{"x": "abc"}, false},
		{"x<5", Set{}, false},
		{"x>0,x<10", Set{"x": "007"}, true},
		{"x>0,x<10", Set{"x": "10"}, false},
		{"x<9223372036854775807", Set{"x": "99999999999999999999"}, false},
		{"x=a,y=b", Set{"x": "a", "y": "b"}, true},
		{"x=a,y=b", Set{"x": "a"}, false},
		{"x=a,x=b", Set{"x": "a"}, false},
		{"x,!y", Set{"x": "1"}, true},
		{"x,!y", Set{"x": "1", "y": "2"}, false},
		{"env in (dev,prod),tier!=db,!canary", Set{"env": "prod", "tier": "web"}, true},
		{"env in (dev,prod),tier!=db,!canary", Set{"env": "prod", "tier": "web", "canary": "true"}, false},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		var ls Labels
		if tt.labels != nil {
			ls = tt.labels
		}
		if got := sel.Matches(ls); got != tt.want {
			t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tt.sel, tt.labels, got, tt.want)
		}
	}
}

func TestRequirementMatchesHandBuilt(t *testing.T) {
	tests := []struct {
		r    Requirement
		ls   Set
		want bool
	}{
		{Requirement{Key: "x", Operator: "bogus", Values: []string{"a"}}, Set{"x": "a"}, false},
		{Requirement{Key: "x", Operator: GreaterThan}, Set{"x": "1"}, false},
		{Requirement{Key: "x", Operator: GreaterThan, Values: []string{"a"}}, Set{"x": "1"}, false},
		{Requirement{Key: "x", Operator: LessThan, Values: []string{"2"}}, Set{"x": "1"}, true},
		{Requirement{Key: "x", Operator: Equals, Values: []string{"a", "b"}}, Set{"x": "b"}, true},
	}
	for _, tt := range tests {
		if got := tt.r.Matches(tt.ls); got != tt.want {
			t.Errorf("%#v.Matches(%v) = %v, want %v", tt.r, tt.ls, got, tt.want)
		}
	}
	if !(Requirement{Key: "x", Operator: DoesNotExist}).Matches(nil) {
		t.Error("!x should match nil labels")
	}
}

func TestRequirementString(t *testing.T) {
	tests := []struct {
		r    Requirement
		want string
	}{
		{Requirement{Key: "x", Operator: Equals, Values: []string{"a"}}, "x=a"},
		{Requirement{Key: "x", Operator: DoubleEquals, Values: []string{"a"}}, "x==a"},
		{Requirement{Key: "x", Operator: NotEquals, Values: []string{""}}, "x!="},
		{Requirement{Key: "x", Operator: In, Values: []string{"b", "a"}}, "x in (a,b)"},
		{Requirement{Key: "x", Operator: NotIn, Values: []string{"a"}}, "x notin (a)"},
		{Requirement{Key: "x", Operator: Exists}, "x"},
		{Requirement{Key: "x", Operator: DoesNotExist}, "!x"},
		{Requirement{Key: "x", Operator: GreaterThan, Values: []string{"1"}}, "x>1"},
		{Requirement{Key: "x", Operator: LessThan, Values: []string{"1"}}, "x<1"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.r, got, tt.want)
		}
	}
	// String must not reorder the caller's values.
	r := Requirement{Key: "x", Operator: In, Values: []string{"b", "a"}}
	_ = r.String()
	if r.Values[0] != "b" {
		t.Error("String sorted the requirement's values in place")
	}
}

func TestRequiresExactMatch(t *testing.T) {
	tests := []struct {
		sel, key  string
		wantValue string
		wantOK    bool
	}{
		{"x=a", "x", "a", true},
		{"x==a", "x", "a", true},
		{"x=", "x", "", true},
		{"x in (a)", "x", "a", true},
		{"x in (a,b)", "x", "", false},
		{"x!=a", "x", "", false},
		{"x notin (a)", "x", "", false},
		{"x", "x", "", false},
		{"!x", "x", "", false},
		{"x>1", "x", "", false},
		{"x=a", "y", "", false},
		{"", "x", "", false},
		{"x!=b,x=c,y=d", "x", "c", true},
		{"x,x in (c)", "x", "c", true},
		{"y=d,x=a", "y", "d", true},
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.sel, err)
		}
		v, ok := sel.RequiresExactMatch(tt.key)
		if v != tt.wantValue || ok != tt.wantOK {
			t.Errorf("Parse(%q).RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.sel, tt.key, v, ok, tt.wantValue, tt.wantOK)
		}
	}
	if v, ok := SelectorFromSet(Set{"a": "1", "b": "2"}).RequiresExactMatch("b"); v != "2" || !ok {
		t.Errorf("SelectorFromSet: RequiresExactMatch(b) = %q, %v", v, ok)
	}
	if _, ok := Nothing().RequiresExactMatch("x"); ok {
		t.Error("Nothing().RequiresExactMatch should be false")
	}
}

func TestEverythingNothing(t *testing.T) {
	for _, ls := range []Labels{nil, Set(nil), Set{"x": "y"}} {
		if !Everything().Matches(ls) {
			t.Errorf("Everything().Matches(%v) = false", ls)
		}
		if Nothing().Matches(ls) {
			t.Errorf("Nothing().Matches(%v) = true", ls)
		}
	}
	if !Everything().Empty() || Everything().String() != "" {
		t.Error("Everything() should be empty and print as \"\"")
	}
	if Nothing().Empty() || Nothing().String() != "" {
		t.Error("Nothing() should not be empty and print as \"\"")
	}
}

func TestSet(t *testing.T) {
	s := Set{"b": "2", "a": "1", "c": ""}
	if got := s.String(); got != "a=1,b=2,c=" {
		t.Errorf("String() = %q", got)
	}
	if !s.Has("c") || s.Has("d") || s.Get("a") != "1" || s.Get("d") != "" {
		t.Error("Has/Get wrong")
	}
	if Set(nil).String() != "" || Set(nil).Has("a") {
		t.Error("nil set")
	}
}

func TestSelectorFromSet(t *testing.T) {
	for _, s := range []Set{nil, {}} {
		sel := SelectorFromSet(s)
		if !sel.Empty() || sel.String() != "" || !sel.Matches(Set{"a": "b"}) {
			t.Errorf("SelectorFromSet(%#v) should be Everything", s)
		}
	}
	set := Set{"b": "2", "a": "1", "c": ""}
	sel := SelectorFromSet(set)
	if got := sel.String(); got != "a=1,b=2,c=" {
		t.Errorf("String() = %q", got)
	}
	if !sel.Matches(set) || sel.Matches(Set{"a": "1", "b": "2"}) || sel.Matches(Set{"a": "1", "b": "3", "c": ""}) {
		t.Error("SelectorFromSet matches wrongly")
	}
	again, err := Parse(sel.String())
	if err != nil || again.String() != sel.String() {
		t.Errorf("round trip: %v, %v", again, err)
	}
	set["d"] = "4" // the selector does not share the map
	if sel.String() != "a=1,b=2,c=" {
		t.Error("selector shares the set")
	}
}

func TestFromLabelSelector(t *testing.T) {
	tests := []struct {
		name    string
		in      *meta.LabelSelector
		want    string // String() when no error
		wantErr string
	}{
		{name: "empty", in: &meta.LabelSelector{}, want: ""},
		{name: "labels", in: &meta.LabelSelector{MatchLabels: map[string]string{"b": "2", "a": "1"}}, want: "a=1,b=2"},
		{
			name: "all operators",
			in: &meta.LabelSelector{
				MatchLabels: map[string]string{"app": "web"},
				MatchExpressions: []meta.LabelSelectorRequirement{
					{Key: "env", Operator: "In", Values: []string{"prod", "dev", "prod"}},
					{Key: "tier", Operator: "NotIn", Values: []string{"db"}},
					{Key: "owner", Operator: "Exists"},
					{Key: "canary", Operator: "DoesNotExist"},
				},
			},
			want: "app=web,!canary,env in (dev,prod),owner,tier notin (db)",
		},
		{name: "bad operator", in: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "Gt", Values: []string{"1"}}}}, wantErr: `matchExpressions[0]: unsupported operator "Gt"`},
		{name: "lower-case operator", in: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "in", Values: []string{"1"}}}}, wantErr: `unsupported operator "in"`},
		{name: "in without values", in: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "In"}}}, wantErr: "needs at least one value"},
		{name: "exists with values", in: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "Exists", Values: []string{"x"}}}}, wantErr: "takes no values"},
		{name: "bad key", in: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a b", Operator: "Exists"}}}, wantErr: `matchExpressions[0]: invalid label key "a b"`},
		{name: "bad label value", in: &meta.LabelSelector{MatchLabels: map[string]string{"a": "b c"}}, wantErr: `matchLabels: invalid label value "b c" for key "a"`},
		{name: "bad expression value", in: &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "NotIn", Values: []string{"ok", "not,ok"}}}}, wantErr: `invalid label value "not,ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := FromLabelSelector(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := sel.String(); got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
			if again, err := Parse(sel.String()); err != nil || again.String() != tt.want {
				t.Fatalf("round trip: %v, %v", again, err)
			}
		})
	}

	sel, err := FromLabelSelector(nil)
	if err != nil || sel.Empty() || sel.Matches(Set{}) {
		t.Fatalf("nil LabelSelector should select nothing: %v, %v", sel, err)
	}
	sel, err = FromLabelSelector(&meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "env", Operator: "In", Values: []string{"a"}}}})
	if err != nil || !sel.Matches(Set{"env": "a"}) || sel.Matches(Set{"env": "b"}) {
		t.Fatalf("In: %v, %v", sel, err)
	}
	// The result does not share the caller's values.
	vals := []string{"b", "a"}
	sel, _ = FromLabelSelector(&meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "x", Operator: "In", Values: vals}}})
	vals[0] = "zzz"
	if sel.String() != "x in (a,b)" || vals[1] != "a" {
		t.Fatalf("shares values: %q %v", sel, vals)
	}
}

func TestConcurrentUse(t *testing.T) {
	sel, err := Parse("x in (a,b),!y,z>1")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for range 8 {
		go func() {
			ok := true
			for range 100 {
				ok = ok && sel.Matches(Set{"x": "a", "z": "2"}) && sel.String() == "x in (a,b),!y,z>1"
				sel.Requirements()[0].Values[0] = "mutated"
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("concurrent use gave a wrong answer")
		}
	}
}
