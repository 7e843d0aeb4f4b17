package jsonenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// checkAppend fails t unless Append(prefix, v) is json.Marshal(v) after
// prefix, or both fail (Append then leaving prefix as it was).
func checkAppend(t *testing.T, v any) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	prefix := []byte("prefix")
	got, err := Append(prefix, v)
	switch {
	case (err != nil) != (wantErr != nil):
		t.Fatalf("Append(%#v) error %v, json.Marshal error %v", v, err, wantErr)
	case err != nil:
		if string(got) != "prefix" {
			t.Fatalf("Append(%#v) failed but changed dst to %q", v, got)
		}
	case !bytes.HasPrefix(got, prefix):
		t.Fatalf("Append(%#v) lost dst: %q", v, got)
	case string(got[len(prefix):]) != string(want):
		t.Fatalf("Append(%#v)\n got %s\nwant %s", v, got[len(prefix):], want)
	}
}

type marshaler struct{ s string }

func (m marshaler) MarshalJSON() ([]byte, error) { return []byte(m.s), nil }

type textMarshaler int

func (m textMarshaler) MarshalText() ([]byte, error) {
	return []byte("t<" + string(rune('a'+m)) + ">"), nil
}

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

type myString string

func TestAppendTable(t *testing.T) {
	var nilMap map[string]any
	var nilSlice []any
	var nilStrings []string
	var nilStringMap map[string]string
	cases := []any{
		nil, true, false, "", "plain", "<a href=\"x\">&amp;</a>", "\u2028\u2029", "\xff\xfe", "a\x00b\x1f\x7f",
		"tab\tnl\nret\rbs\\q\"", "é€😀", "\xed\xa0\x80", "\xe2\x80",
		json.Number("0"), json.Number("-0"), json.Number("12345678901234567890123"), json.Number("1.50"),
		json.Number("1e5"), json.Number("1E+05"), json.Number("-0.0e-0"), json.Number(""),
		float64(0), math.Copysign(0, -1), 1.0, -1.5, 0.1, 1e20, 1e21, 123456789e13, 1e-6, 1e-7, 9.99999e-7,
		1.5e-9, 1e-100, 1e100, math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-10, 3.141592653589793,
		1<<53 + 1.0, float32(0.1), float32(1e21), float32(1e20), float32(1e-6), float32(1e-7), float32(-3.4e38),
		float32(math.SmallestNonzeroFloat32), float32(9.999999e-7), float32(1.0000001e21),
		int(0), int(-7), int64(math.MinInt64), int32(math.MaxInt32), int16(-300), int8(-8),
		uint(7), uint64(math.MaxUint64), uint32(4000000000), uint16(65535), uint8(255),
		nilMap, map[string]any{}, nilSlice, []any{}, nilStrings, []string{}, nilStringMap, map[string]string{},
		[]string{"a", "<b>"}, map[string]string{"z": "1", "a": "<", "é": "x", "\xff": "y"},
		map[string]any{"b": 1.0, "a": json.Number("2"), "A": nil, "": "empty", "aa": []any{true}},
		map[string]any{"\u2028": 1, "<": 2, "&": 3, "\xff": 4, "\xfe": 5, "é": 6, "e": 7, "z\x00": 8, "z": 9},
		map[string]any{"only": map[string]any{"one": map[string]any{}}},
		[]any{nil, "x", json.Number("3"), []any{[]any{}}, map[string]any{"k": nilSlice, "m": nilMap}},
		// Values handed to encoding/json.
		struct {
			A string `json:"a"`
			B int    `json:"b,omitempty"`
		}{A: "<x>"},
		[]byte("bytes"), json.RawMessage(`{ "raw" : [1, 2] }`), marshaler{`{"m" : "<>"}`},
		map[string]any{"m": marshaler{` [ 1 ] `}, "r": json.RawMessage(`"x"`)},
		map[textMarshaler]int{1: 1, 0: 2}, map[int]any{10: "a", 9: "b", -1: nil},
		myString("named"), map[string]any{"n": myString("<named>")}, []int{1, 2}, [2]bool{true},
		&struct{ P *int }{}, time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), map[string]any{"t": time.Unix(0, 0).UTC()},
		map[string][]any{"x": {1}}, []map[string]any{{"a": 1}, nil},
		// Raw JSON: copied when compact, else compacted by encoding/json.
		json.RawMessage(nil), json.RawMessage(`{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`),
		json.RawMessage(`[1,-0.5e+3,"a\u00e9\/\"",true,false,null,{},[]]`), json.RawMessage(`"\u003c"`),
		json.RawMessage(`"<"`), json.RawMessage(`" "`), json.RawMessage("\"\xff\xe2\x80\""), json.RawMessage(" 1 "),
		json.RawMessage(`{"a" : 1}`), json.RawMessage("[1,\n2]"), json.RawMessage(`0`), json.RawMessage(`-1.5E-7`),
		map[string]any{"fieldsV1": json.RawMessage(`{"f:spec":{}}`), "x": []any{json.RawMessage(`{}`)}},
		json.RawMessage(``), json.RawMessage(`{`), json.RawMessage(`01`), json.RawMessage(`[1,]`), json.RawMessage(`{"a"}`),
		json.RawMessage(`"\x"`), json.RawMessage(`"\u12"`), json.RawMessage("\"\x01\""), json.RawMessage(`tru`),
		json.RawMessage(`nul`), json.RawMessage(`1 2`), json.RawMessage(`{}{}`), json.RawMessage(`"a`),
		json.RawMessage(strings.Repeat("[", 1500) + strings.Repeat("]", 1500)),
		json.RawMessage(strings.Repeat("[", 20000) + strings.Repeat("]", 20000)),
		// Errors.
		math.NaN(), math.Inf(1), float32(math.Inf(-1)), json.Number("01"), json.Number("1."), json.Number(".5"),
		json.Number("+1"), json.Number("1e"), json.Number("-"), json.Number("0x10"), json.Number(" 1"),
		map[string]any{"a": []any{1, map[string]any{"bad": math.NaN()}}}, []any{"ok", json.Number("nope")},
		make(chan int), map[string]any{"f": func() {}}, failing{}, map[string]any{"m": marshaler{`{`}},
		complex(1, 2),
	}
	for _, v := range cases {
		checkAppend(t, v)
	}
}

// TestAppendCycle checks that a map or slice containing itself is refused, as
// encoding/json refuses it, instead of recursing for ever.
func TestAppendCycle(t *testing.T) {
	m := map[string]any{"a": 1}
	m["self"] = map[string]any{"m": m}
	if _, err := Append(nil, m); err == nil {
		t.Error("cyclic map encoded")
	}
	s := []any{1, nil}
	s[1] = s
	if _, err := Append(nil, s); err == nil {
		t.Error("cyclic slice encoded")
	}
	// Deep but not cyclic: past maxDepth encoding/json takes over.
	var deep any = "leaf"
	for i := range 3 * maxDepth {
		if i%2 == 0 {
			deep = map[string]any{"k": deep, "<": i}
		} else {
			deep = []any{deep, float64(i) / 7}
		}
	}
	checkAppend(t, deep)
}

// TestAppendAfterError checks that the pooled state is sound after a failure
// in the middle of nested maps.
func TestAppendAfterError(t *testing.T) {
	bad := map[string]any{"a": map[string]any{"b": 1, "c": math.Inf(1), "d": 2}, "e": 3}
	good := map[string]any{"x": map[string]any{"y": 1, "z": 2}, "w": []any{map[string]any{"p": 1, "q": 2}}}
	for range 10 {
		checkAppend(t, bad)
		checkAppend(t, good)
	}
}

// randomTree returns a value like a decoded JSON document, with awkward
// strings and numbers and the occasional Go value servers put in maps.
func randomTree(r *rand.Rand, depth int) any {
	pieces := []string{"a", "b", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\t", "\x00", "\x1f", "\x7f",
		"é", "€", "\u2028", "\u2029", "\U0001F600", "\xff", "\xe2\x80", "\xed\xa0\x80", "metadata", "name"}
	str := func() string {
		var b strings.Builder
		for range r.Intn(5) {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		return b.String()
	}
	numbers := []string{"0", "-0", "1", "-12", "1.5", "0.000001", "1e21", "1E-7", "-2.5e+300", "123456789012345678901234567890", ""}
	n := r.Intn(16)
	if depth > 5 {
		n = r.Intn(10)
	}
	switch n {
	case 0:
		return nil
	case 1:
		return r.Intn(2) == 0
	case 2, 3:
		return str()
	case 4:
		return json.Number(numbers[r.Intn(len(numbers))])
	case 5:
		switch r.Intn(4) {
		case 0:
			return math.Float64frombits(r.Uint64()) // NaN and Inf rarely: errors on both sides
		case 1:
			return float32(r.NormFloat64() * math.Pow(10, float64(r.Intn(60)-30)))
		default:
			return r.NormFloat64() * math.Pow(10, float64(r.Intn(60)-30))
		}
	case 6:
		switch r.Intn(3) {
		case 0:
			return r.Int63() - r.Int63()
		case 1:
			return int(r.Int31())
		default:
			return r.Uint64()
		}
	case 7:
		return []string{str(), str()}
	case 8:
		m := map[string]string{}
		for range r.Intn(20) {
			m[str()] = str()
		}
		return m
	case 9:
		if r.Intn(2) == 0 {
			return myString(str())
		}
		raw, err := json.Marshal(randomTree(r, depth+3))
		if err != nil {
			return nil
		}
		if r.Intn(4) == 0 { // not compact, or not JSON
			i := r.Intn(len(raw) + 1)
			raw = append(raw[:i:i], append([]byte(pieces[r.Intn(len(pieces))]), raw[i:]...)...)
		}
		return json.RawMessage(raw)
	case 10, 11, 12:
		m := map[string]any{}
		n := r.Intn(8)
		if r.Intn(10) == 0 {
			n = r.Intn(40) // past smallObject
		}
		for range n {
			m[str()] = randomTree(r, depth+1)
		}
		if r.Intn(20) == 0 {
			return map[string]any(nil)
		}
		return m
	default:
		s := make([]any, r.Intn(6))
		for i := range s {
			s[i] = randomTree(r, depth+1)
		}
		if r.Intn(20) == 0 {
			return []any(nil)
		}
		return s
	}
}

func TestAppendRandom(t *testing.T) {
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		checkAppend(t, randomTree(r, 0))
	}
}

// TestAppendFloats compares float formatting over random bit patterns and
// around the points where encoding/json switches to exponent notation.
func TestAppendFloats(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for range 200000 {
		checkAppend(t, math.Float64frombits(r.Uint64()))
		checkAppend(t, math.Float32frombits(r.Uint32()))
	}
	for _, edge := range []float64{1e-6, 1e21} {
		for _, f := range []float64{edge, math.Nextafter(edge, 0), math.Nextafter(edge, math.Inf(1))} {
			checkAppend(t, f)
			checkAppend(t, -f)
			f32 := float32(f)
			checkAppend(t, f32)
			checkAppend(t, math.Nextafter32(f32, 0))
			checkAppend(t, math.Nextafter32(f32, float32(math.Inf(1))))
		}
	}
}

// FuzzAppend: any document encoding/json decodes (numbers as json.Number) is
// written by Append exactly as json.Marshal writes it.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"b":"c","a":"<&>"}}}`,
		`[1, -0, 1.50, 1e400, 12345678901234567890, "\u2028\ud800", null, true, {}, []]`,
		`{"\u00e9":1,"e":2,"\u0000":3,"":{"":[]}}`,
		`"\xff"`, `0`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The input as raw JSON: valid or not, compact or not.
		checkAppend(t, json.RawMessage(data))
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return
		}
		checkAppend(t, v)
		// The same document with floats, as encoding/json decodes by default.
		var fv any
		if json.Unmarshal(data, &fv) == nil {
			checkAppend(t, fv)
		}
	})
}

// TestPlainJSON checks that compact raw JSON takes the fast path, and that
// whatever takes it is valid and left as it is by encoding/json.
func TestPlainJSON(t *testing.T) {
	for _, s := range []string{`{}`, `[]`, `0`, `-0.0e-0`, `"\\\"\/\b\f\n\r\t\u00aF"`, "\"\xff\xe2\x80\"", "\"\x7f\"",
		`{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"k:{\"name\":\"c\"}":{}}`, `[true,false,null,1E+2,[[]],{"":""}]`} {
		if !plainJSON([]byte(s)) {
			t.Errorf("plainJSON(%q) = false", s)
		}
	}
	r := rand.New(rand.NewSource(3))
	pieces := []string{"{", "}", "[", "]", ",", ":", `"`, `"a"`, `\`, `\u`, "0", "1", "-", ".", "e", "+", "true", "null", " ", "<", "\xe2\x80\xa8", "\xff", "\x01"}
	for range 200000 {
		var b []byte
		for range r.Intn(10) {
			b = append(b, pieces[r.Intn(len(pieces))]...)
		}
		if plainJSON(b) {
			var out bytes.Buffer
			if !json.Valid(b) || json.Compact(&out, b) != nil || out.String() != string(b) {
				t.Fatalf("plainJSON(%q) but encoding/json does not leave it as it is", b)
			}
		}
		checkAppend(t, json.RawMessage(b))
	}
}
