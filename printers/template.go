package printers

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"text/template"

	"kctl.dev/kctl/printers/jsonpath"
)

// templatePrinter is -o jsonpath, jsonpath-as-json and go-template: the
// template runs once per Flush, on the single object printed or on a v1
// List of everything printed.
type templatePrinter struct {
	base
	jsonpath   *jsonpath.Template
	asJSON     bool
	goTemplate *template.Template
	rawText    string // the go-template as given, for errors
}

func (p *templatePrinter) Flush(w io.Writer) error {
	ins := p.take()
	if len(ins) == 0 {
		return nil
	}
	obj, _, err := p.collect(ins)
	if err != nil {
		return err
	}
	if p.goTemplate != nil {
		return p.executeGoTemplate(w, obj)
	}
	var buf bytes.Buffer
	if p.asJSON {
		err = p.jsonpath.ExecuteJSON(&buf, obj)
	} else {
		err = p.jsonpath.Execute(&buf, obj)
	}
	if err != nil {
		return fmt.Errorf("error executing jsonpath %q: Error executing template: %v. Printing more information for debugging the template:\n"+
			"\ttemplate was:\n\t\t%v\n\tobject given to jsonpath engine was:\n\t\t%#v",
			p.jsonpath.String(), err, p.jsonpath.String(), obj)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// parseGoTemplate parses a Go text/template with kubectl's functions:
// exists (whether a path of keys and indexes is there) and base64decode.
// Missing keys print <no value> unless allowMissingKeys is false.
func parseGoTemplate(text string, allowMissingKeys bool) (*template.Template, error) {
	t, err := template.New("output").Funcs(template.FuncMap{
		"exists":       exists,
		"base64decode": base64decode,
	}).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("error parsing template %s, %v", text, err)
	}
	if allowMissingKeys {
		t.Option("missingkey=default")
	} else {
		t.Option("missingkey=error")
	}
	return t, nil
}

// executeGoTemplate runs the template on obj decoded as encoding/json
// decodes (numbers as float64), as kubectl hands objects to templates.
func (p *templatePrinter) executeGoTemplate(w io.Writer, obj map[string]any) error {
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	var data any
	if err := json.Unmarshal(b, &data); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := p.goTemplate.Execute(&buf, data); err != nil {
		return fmt.Errorf("error executing template %q: %v", p.rawText, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// exists reports whether item has a value at the given keys and indexes.
func exists(item any, indices ...any) bool {
	v := reflect.ValueOf(item)
	for _, i := range indices {
		for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return false
			}
			v = v.Elem()
		}
		idx := reflect.ValueOf(i)
		switch v.Kind() {
		case reflect.Map:
			if !idx.IsValid() || !idx.Type().AssignableTo(v.Type().Key()) {
				return false
			}
			v = v.MapIndex(idx)
			if !v.IsValid() {
				return false
			}
		case reflect.Slice, reflect.Array, reflect.String:
			if !idx.CanInt() {
				return false
			}
			n := idx.Int()
			if n < 0 || n >= int64(v.Len()) {
				return false
			}
			v = v.Index(int(n))
		default:
			return false
		}
	}
	return true
}

func base64decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("base64 decode failed: %v", err)
	}
	return string(b), nil
}
