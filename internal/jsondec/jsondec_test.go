package jsondec_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"kctl.dev/kctl/internal/jsondec"
)

// reference decodes data the way Object must: encoding/json's Decoder with
// UseNumber into a map[string]any, which must come out non-nil, followed by
// nothing but white space.
func reference(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null")
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, errors.New("data after the object")
	}
	return m, nil
}

// check fails the test unless Object(data) and reference(data) agree: the
// same value, or both an error.
func check(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := reference(data)
	got, gotErr := jsondec.Object(data)
	switch {
	case wantErr != nil && gotErr == nil:
		t.Errorf("Object(%q) = %#v, want an error (encoding/json: %v)", data, got, wantErr)
	case wantErr == nil && gotErr != nil:
		t.Errorf("Object(%q): %v, want %#v", data, gotErr, want)
	case wantErr == nil && !reflect.DeepEqual(got, want):
		t.Errorf("Object(%q) =\n%#v\nwant (encoding/json)\n%#v", data, got, want)
	}
}

// edgeCases are inputs on which a decoder could differ from encoding/json.
var edgeCases = []string{
	// Objects and top-level values.
	`{}`, ` {} `, "\t\r\n{}\n\t\r ", `{"a":1}`, `{"a":{}}`, `{"a":[]}`, `{"a":[{}]}`,
	`{"a":{"b":{"c":[1,[2,[3]]]}}}`, `{ "a" : 1 , "b" : [ 1 , 2 ] }`,
	``, ` `, `null`, ` null `, `[]`, `[1]`, `"s"`, `1`, `true`, `false`, `{`, `}`, `{]`,
	`{"a"}`, `{"a":}`, `{"a":1,}`, `{,"a":1}`, `{"a":1 "b":2}`, `{"a" 1}`, `{1:1}`,
	`{a:1}`, `{'a':1}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":[1 2]}`, `{"a":[}`,
	`{"a":{]}`, `{"a":1}]`, `{"a":1}}`, `{"a":1} x`, `{"a":1}{}`, `{} {}`, `{}null`,
	"{}\x00", "\x00{}", "\ufeff{}", "{}\v", "\v{}", "{}\f", "\u00a0{}",
	// Duplicate keys: the last one wins, whole.
	`{"a":1,"a":2}`, `{"a":{"x":1},"a":{"y":2}}`, `{"a":[1,2],"a":[3]}`,
	`{"a":{"b":1,"b":null},"a":{"b":2,"c":3,"b":4}}`, `{"a":1,"b":2,"a":3,"a":null}`,
	// Literals.
	`{"a":true,"b":false,"c":null}`, `{"a":tru}`, `{"a":True}`, `{"a":nul}`,
	`{"a":nulll}`, `{"a":truee}`, `{"a":falsey}`, `{"a":NaN}`, `{"a":Infinity}`,
	`{"a":t`, `{"a":n`, `{"a":f`,
	// Numbers: kept as their text; JSON's grammar only.
	`{"n":0}`, `{"n":-0}`, `{"n":7}`, `{"n":999}`, `{"n":1000}`, `{"n":-1}`,
	`{"n":12345678901234567890123}`, `{"n":1.5}`, `{"n":1.50}`, `{"n":-0.0}`,
	`{"n":1e5}`, `{"n":1E5}`, `{"n":1e+5}`, `{"n":1e-5}`, `{"n":1.5e-10}`,
	`{"n":0e0}`, `{"n":1e400}`, `{"n":[0,1,2,10,99,100,255,256,1023,1024]}`,
	`{"n":01}`, `{"n":00}`, `{"n":-01}`, `{"n":+1}`, `{"n":.5}`, `{"n":5.}`,
	`{"n":1.e5}`, `{"n":1e}`, `{"n":1e+}`, `{"n":1e-}`, `{"n":-}`, `{"n":--1}`,
	`{"n":0x10}`, `{"n":1_000}`, `{"n":1.5.5}`, `{"n":1e5e5}`, `{"n":-a}`, `{"n":1`,
	`{"n":1.`, `{"n":1e`, `{"n":-`, `{"n":0}0`,
	// Strings: escapes.
	`{"s":""}`, `{"":""}`, `{"s":"plain"}`, `{"s":"\"\\\/\b\f\n\r\t"}`,
	`{"s":"\u0041\u00e9\u20ac\uFFFF\u0000\u001f"}`, `{"s":"\uD83D\uDE00"}`,
	`{"s":"\ud83d\ude00x"}`, `{"s":"a\u0022b"}`, `{"\u006b":1}`, `{"k\"ey":1}`,
	`{"s":"\a"}`, `{"s":"\'"}`, `{"s":"\x41"}`, `{"s":"\U0041"}`, `{"s":"\u12"}`,
	`{"s":"\u12g4"}`, `{"s":"\u"}`, `{"s":"\`, `{"s":"\"`, `{"s":"abc`, `{"s":"abc\"}`,
	// Strings: unpaired and invalid surrogates become U+FFFD.
	`{"s":"\ud800"}`, `{"s":"\udc00"}`, `{"s":"\ud800x"}`, `{"s":"\ud800\u0041"}`,
	`{"s":"\ud800\ud800"}`, `{"s":"\ud800\ud800\udc00"}`, `{"s":"\udc00\ud800"}`,
	`{"s":"\udc00\udc00"}`, `{"s":"\ud800\\udc00"}`, `{"s":"\ud800\n"}`,
	`{"s":"\ud800\u12"}`, `{"s":"\ud800\uzzzz"}`, `{"s":"\udbff\udfff"}`,
	`{"s":"\uDBFF\uDFFF\uD800"}`, `{"\ud800":1,"\udc00":2}`, `{"s":"\ud800\u"}`,
	`{"s":"\ud800\`,
	// Strings: UTF-8, valid and not; one U+FFFD per invalid byte.
	`{"s":"é€😀"}`, "{\"s\":\"\xff\"}", "{\"s\":\"a\xffb\"}", "{\"s\":\"\xc3\"}",
	"{\"s\":\"\xc3\x28\"}", "{\"s\":\"\xe2\x82\"}", "{\"s\":\"\xe2\x82x\"}",
	"{\"s\":\"\xf0\x9f\x98\"}", "{\"s\":\"\xed\xa0\x80\"}", "{\"s\":\"\xc0\xaf\"}",
	"{\"s\":\"\xf4\x90\x80\x80\"}", "{\"s\":\"\xef\xbf\xbd\"}", "{\"s\":\"\x80\x80\"}",
	"{\"s\":\"\xff\\n\xfe\"}", "{\"\xff\":1,\"\xfe\":2}", "{\"\xff\":1,\"\xfe\":2,\"\xef\xbf\xbd\":3}",
	"{\"s\":\"\xe2\x80\xa8\xe2\x80\xa9\"}", "{\"s\":\"\x7f\"}", "{\"s\":\"\xff",
	// Strings: control characters are errors, raw or not.
	"{\"s\":\"a\nb\"}", "{\"s\":\"\t\"}", "{\"s\":\"\x00\"}", "{\"s\":\"\x1f\"}",
	"{\"\n\":1}", "{\"s\":\"\\n\x01\"}", "{\"s\":\"\xff\x01\"}",
	// Keys the intern table holds, and their neighbours.
	`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"}}}`,
	`{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"k:{\"name\":\"app\"}":{".":{}}}`,
	`{"apiVersio":"v","kindd":"Podd","f:":{},"f":{},"":{}}`,
	`{"apiVersion":"v1","apiVersion":"v2"}`, `{"s":"v1\u0000"}`, `{"s":"Running\n"}`,
	`{"a\u0070iVersion":"\u0076\u0031"}`,
	// Same length and the same first and last eight bytes as interned
	// strings ("f:terminationMessagePolicy", "kubernetes.io/service-account-token").
	`{"f:terminATIONMESSAgePolicy":"kubernetXXXXXXXXXXXXXXXXXXXnt-token"}`,
	`{"nXme":"Pxd","kinD":"TCp","a":"b","ab":"a","aba":"abb"}`,
}

func TestObjectEdgeCases(t *testing.T) {
	for _, c := range edgeCases {
		check(t, []byte(c))
	}
	// Every number up to 1100, small ones come from a table.
	var b strings.Builder
	b.WriteString(`{"n":[`)
	for n := range 1100 {
		fmt.Fprintf(&b, "%d,-%d,", n, n)
	}
	b.WriteString(`0]}`)
	check(t, []byte(b.String()))
}

// TestObjectShapes checks the kinds of values Object makes: empty maps and
// slices are non-nil, numbers keep their text.
func TestObjectShapes(t *testing.T) {
	m, err := jsondec.Object([]byte(`{"o":{},"a":[],"n":1.50,"i":7,"s":"x","t":true,"z":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := m["o"].(map[string]any); !ok || o == nil || len(o) != 0 {
		t.Errorf("o = %#v, want an empty non-nil map", m["o"])
	}
	if a, ok := m["a"].([]any); !ok || a == nil || len(a) != 0 {
		t.Errorf("a = %#v, want an empty non-nil slice", m["a"])
	}
	if n, ok := m["n"].(json.Number); !ok || n != "1.50" {
		t.Errorf("n = %#v, want json.Number(\"1.50\")", m["n"])
	}
	if n, ok := m["i"].(json.Number); !ok || n != "7" {
		t.Errorf("i = %#v, want json.Number(\"7\")", m["i"])
	}
	if v, ok := m["z"]; !ok || v != nil {
		t.Errorf("z = %#v, %v, want nil, true", v, ok)
	}
	if m["s"] != "x" || m["t"] != true {
		t.Errorf("s, t = %#v, %#v", m["s"], m["t"])
	}
}

// TestObjectResultsAreIndependent checks that decoded values share nothing
// that a later decoding (of the pooled decoder's scratch space) could change,
// and that appending to a decoded slice does not reach into another.
func TestObjectResultsAreIndependent(t *testing.T) {
	first, err := jsondec.Object([]byte(`{"a":[1,2],"b":[3,4],"k\u0041":"v\u0042","s":"x\ny"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jsondec.Object([]byte(`{"a":[5,6,7,8,9],"kZ":"vZ","s":"p\nq","zz":[[[]]]}`)); err != nil {
		t.Fatal(err)
	}
	a := first["a"].([]any)
	_ = append(a, json.Number("99"))
	want := map[string]any{
		"a":  []any{json.Number("1"), json.Number("2")},
		"b":  []any{json.Number("3"), json.Number("4")},
		"kA": "vB",
		"s":  "x\ny",
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("first result changed: %#v", first)
	}
}

// TestObjectRandomStrings checks strings built from pieces that need care
// (escapes, surrogates, invalid UTF-8, control characters, quotes) at every
// offset of the eight-byte words strings are scanned in, as keys and values.
func TestObjectRandomStrings(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{
		// Plain, and valid UTF-8.
		"a", "Z", "0", " ", "~", "/", "<", "é", "€", "😀", "\u2028", "\uFFFD", "f:", "apiVersion", "v1",
		// JSON escapes.
		`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0000`, `\u001F`, `\u00e9`, `\u2028`,
		`k:{\"name\":\"app\"}`,
		// Surrogate escapes, paired or not.
		`\uD83D\uDE00`, `\ud800`, `\udc00`, `\uDBFF`, `\uD800\u0041`, `\ud800\ud800\udc00`, `\udfff\ud800`,
		// Invalid UTF-8.
		"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf0\x9f\x98", "\x80", "\xc0\xaf",
		// Errors: control characters, bad escapes, a stray quote or backslash.
		"\x7f", "\x01", "\x1f", "\t", `\x`, `\u12`, `\`, `"`,
	}
	var b bytes.Buffer
	for range 20000 {
		b.Reset()
		b.WriteString(strings.Repeat(" ", r.Intn(8)))
		b.WriteString(`{"`)
		for range r.Intn(12) {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		b.WriteString(`":"`)
		for range r.Intn(24) {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		b.WriteString(`"}`)
		check(t, b.Bytes())
		if t.Failed() {
			break
		}
	}
}

// TestObjectKeepsResults decodes many objects, keeping the results, then
// checks them all: what a decoder reuses (its scratch space, the blocks
// strings are carved from) must not change earlier results.
func TestObjectKeepsResults(t *testing.T) {
	var inputs [][]byte
	for i := range 300 {
		inputs = append(inputs, fmt.Appendf(nil,
			`{"name":"pod-%d","k\u0041%d":"v\u0042%d","s":"%s","a":[%d,"%x",{"b":[%d]}],"f:x":{".":{},"k:{\"n\":\"%d\"}":{}}}`,
			i, i, i, strings.Repeat("x", i), i, i*7919, i, i))
	}
	got := make([]map[string]any, len(inputs))
	for i, in := range inputs {
		m, err := jsondec.Object(in)
		if err != nil {
			t.Fatalf("Object(%s): %v", in, err)
		}
		got[i] = m
	}
	for i, in := range inputs {
		want, _ := reference(in)
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("result %d changed:\n%#v\nwant\n%#v", i, got[i], want)
		}
	}
	// Appending to a decoded slice must not reach into another's.
	m, _ := jsondec.Object([]byte(`{"a":[1,2],"b":[3,4]}`))
	_ = append(m["a"].([]any), "x")
	if !reflect.DeepEqual(m["b"], []any{json.Number("3"), json.Number("4")}) {
		t.Errorf("b = %#v after appending to a", m["b"])
	}
}

// TestObjectConcurrent decodes from many goroutines at once (decoders are
// pooled); run it with -race.
func TestObjectConcurrent(t *testing.T) {
	files := fixtures(t)
	var inputs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for k := range 3 * len(inputs) {
				in := inputs[(g*7+k)%len(inputs)]
				want, wantErr := reference(in)
				got, err := jsondec.Object(in)
				if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
					errs <- fmt.Sprintf("goroutine %d: Object(%.60q) differs from encoding/json", g, in)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestObjectFixtures decodes every JSON fixture in the repository, each also
// compacted and with random-looking white space, and a pod with managed
// fields.
func TestObjectFixtures(t *testing.T) {
	files := fixtures(t)
	if len(files) < 10 {
		t.Fatalf("found %d fixtures, want the repository's", len(files))
	}
	decoded := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		check(t, data)
		var compact bytes.Buffer
		if json.Compact(&compact, data) == nil {
			check(t, compact.Bytes())
			var indented bytes.Buffer
			if json.Indent(&indented, compact.Bytes(), "\r", "\t ") == nil {
				check(t, indented.Bytes())
			}
		}
		if _, err := jsondec.Object(data); err == nil {
			decoded++
		}
	}
	if decoded < len(files)/2 {
		t.Errorf("only %d of %d fixtures decoded as objects", decoded, len(files))
	}
}

// fixtures returns the JSON files under the repository's testdata
// directories.
func fixtures(t testing.TB) []string {
	// The module's root: the nearest directory up with a go.mod.
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(root)
		if up == root {
			t.Fatal("no go.mod above the package")
		}
		root = up
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && strings.HasPrefix(e.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if !e.IsDir() && strings.HasSuffix(path, ".json") &&
			strings.Contains(filepath.ToSlash(path), "/testdata/") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestObjectDepth checks encoding/json's nesting limit, 10,000 levels of
// objects and arrays, on both sides of it, and that input far deeper is
// rejected without exhausting the stack.
func TestObjectDepth(t *testing.T) {
	// nested returns an object nested depth levels deep, counting the
	// top-level object, level k being an array when array(k).
	nested := func(depth int, array func(int) bool) []byte {
		var b bytes.Buffer
		b.WriteString(`{"a":`)
		for k := 2; k <= depth; k++ {
			if array(k) {
				b.WriteString("[")
			} else {
				b.WriteString(`{"b":`)
			}
		}
		b.WriteString("1")
		for k := depth; k >= 2; k-- {
			if array(k) {
				b.WriteString("]")
			} else {
				b.WriteString("}")
			}
		}
		b.WriteString("}")
		return b.Bytes()
	}
	shapes := map[string]func(int) bool{
		"arrays":  func(int) bool { return true },
		"objects": func(int) bool { return false },
		"mixed":   func(k int) bool { return k%2 == 0 },
	}
	for name, array := range shapes {
		for _, depth := range []int{1, 2, 9999, 10000, 10001, 10002} {
			data := nested(depth, array)
			_, wantErr := reference(data)
			if (wantErr == nil) != (depth <= 10000) {
				t.Fatalf("%s, %d levels: encoding/json's limit has moved: %v", name, depth, wantErr)
			}
			check(t, data)
		}
	}
	// Far deeper, unterminated and terminated.
	deep := bytes.Repeat([]byte("["), 10_000_000)
	deep[0] = '{'
	if _, err := jsondec.Object(deep); err == nil {
		t.Errorf("10,000,000 unterminated levels decoded")
	}
	deep = nested(1_000_000, shapes["mixed"])
	if _, err := jsondec.Object(deep); err == nil {
		t.Errorf("1,000,000 levels decoded")
	}
}

// TestObjectErrors checks that errors say where decoding stopped.
func TestObjectErrors(t *testing.T) {
	for _, c := range []struct {
		in     string
		offset int
	}{
		{``, 0},
		{`null`, 0},
		{`  [1]`, 2},
		{`{"a":01}`, 6},
		{`{"a":1} x`, 8},
		{`{"a":"\q"}`, 6},
		{"{\"a\":\"\x01\"}", 6},
		{`{"a":[1,]}`, 8},
	} {
		_, err := jsondec.Object([]byte(c.in))
		var e *jsondec.Error
		if !errors.As(err, &e) {
			t.Errorf("Object(%q): error %v, want a *jsondec.Error", c.in, err)
			continue
		}
		if e.Offset != c.offset {
			t.Errorf("Object(%q): offset %d, want %d (%v)", c.in, e.Offset, c.offset, e)
		}
		if want := fmt.Sprintf("at offset %d", c.offset); !strings.HasSuffix(e.Error(), want) {
			t.Errorf("Object(%q): %q does not end with %q", c.in, e.Error(), want)
		}
	}
}

// FuzzObject checks Object against encoding/json on arbitrary input.
func FuzzObject(f *testing.F) {
	for _, c := range edgeCases {
		f.Add([]byte(c))
	}
	for _, file := range fixtures(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data)
	})
}
