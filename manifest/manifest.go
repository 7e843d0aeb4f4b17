package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"kctl.dev/kctl/api/unstructured"
)

// StdinName is the Source of objects read from standard input ("-").
const StdinName = "STDIN"

// Object is one object read from a manifest, with where it came from.
type Object struct {
	*unstructured.Unstructured

	// Source is the file the object was read from, as given or as found in a
	// directory given ("manifests/web.yaml"), or StdinName.
	Source string
	// Document is the position of the object's YAML document or JSON value in
	// Source, from 1. Items of one List share their list's.
	Document int
	// Line is the line of Source where the document starts, from 1.
	Line int
	// Item is the position of the object among the items of the List it was
	// expanded from, from 1 (items of nested lists are numbered in one
	// sequence); 0 when it was not in a list.
	Item int
}

// ParseError is a document that is not valid YAML or JSON, or not an object.
type ParseError struct {
	Source string
	// Document is the position of the document in Source, from 1, and Line
	// the line where it starts. Error names them only when Source holds
	// several documents (Documents > 1).
	Document  int
	Line      int
	Documents int
	Err       error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("error parsing %s%s: %v", e.Source, where(e.Document, e.Line, e.Documents, 0), e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ValidationError is an object without apiVersion or kind.
type ValidationError struct {
	Source    string
	Document  int
	Line      int
	Documents int
	Item      int      // position in its List, from 1; 0 when not in a list
	Problems  []string // "apiVersion not set", "kind not set"
}

func (e *ValidationError) Error() string {
	data := strings.Join(e.Problems, ", ")
	if len(e.Problems) > 1 {
		data = "[" + data + "]"
	}
	return fmt.Sprintf("error validating %q%s: error validating data: %s", e.Source, where(e.Document, e.Line, e.Documents, e.Item), data)
}

// where names a document in a message when its source holds several, and a
// list item.
func where(doc, line, docs, item int) string {
	var parts []string
	if docs > 1 {
		parts = append(parts, fmt.Sprintf("document %d, line %d", doc, line))
	}
	if item > 0 {
		parts = append(parts, fmt.Sprintf("item %d", item))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// manifestExtensions are the files taken from a directory, as kubectl.
var manifestExtensions = []string{".json", ".yaml", ".yml"}

// Read reads the objects of paths, in order: files, directories (their .json,
// .yaml and .yml files; those of subdirectories too when recursive) and "-"
// for stdin. It stops at the first error and then returns no objects.
func Read(paths []string, recursive bool, stdin io.Reader) ([]Object, error) {
	var out []Object
	for _, p := range paths {
		if p == "-" {
			if stdin == nil {
				return nil, errors.New("cannot read from standard input: none given")
			}
			data, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", StdinName, err)
			}
			objs, err := Parse(StdinName, data)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
			continue
		}
		if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
			return nil, fmt.Errorf("reading manifests from URLs is not supported: %s", p)
		}
		files, err := expand(p, recursive)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", f, err)
			}
			objs, err := Parse(f, data)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
	}
	return out, nil
}

// expand returns the files path names: itself, or the manifests in the
// directory, in lexical order.
func expand(path string, recursive bool) ([]string, error) {
	if path == "" {
		return nil, errors.New(`the path "" does not exist`)
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the path %q does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("the path %q cannot be read: %w", path, err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if isManifest(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading directory %s: %w", path, err)
	}
	return files, nil
}

func isManifest(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range manifestExtensions {
		if ext == e {
			return true
		}
	}
	return false
}

// Parse reads the objects in data, a YAML or JSON manifest named source in
// messages. Lists are expanded and every object is checked for apiVersion and
// kind.
func Parse(source string, data []byte) ([]Object, error) {
	docs, err := split(data)
	if err != nil {
		var de *docError
		if errors.As(err, &de) {
			return nil, &ParseError{Source: source, Document: de.doc, Line: de.line, Documents: de.doc, Err: de.err}
		}
		return nil, &ParseError{Source: source, Err: err}
	}
	var out []Object
	for i, d := range docs {
		n := i + 1
		perr := func(err error) error {
			return &ParseError{Source: source, Document: n, Line: d.line, Documents: len(docs), Err: err}
		}
		u, err := d.decode()
		if err != nil {
			return nil, perr(err)
		}
		if u == nil {
			continue // null document
		}
		objs, isList, err := flatten(u)
		if err != nil {
			return nil, perr(err)
		}
		item := 0
		for _, o := range objs {
			if isList {
				item++
			}
			obj := Object{Unstructured: o, Source: source, Document: n, Line: d.line, Item: item}
			if problems := validate(o); len(problems) > 0 {
				return nil, &ValidationError{Source: source, Document: n, Line: d.line, Documents: len(docs), Item: obj.Item, Problems: problems}
			}
			out = append(out, obj)
		}
	}
	return out, nil
}

// validate reports what kubectl's client-side checks report before sending.
func validate(u *unstructured.Unstructured) []string {
	var problems []string
	if s, ok := u.Object["apiVersion"].(string); !ok || s == "" {
		problems = append(problems, "apiVersion not set")
	}
	if s, ok := u.Object["kind"].(string); !ok || s == "" {
		problems = append(problems, "kind not set")
	}
	return problems
}

// flatten expands a list into its items, recursively. isList reports whether
// u was a list.
func flatten(u *unstructured.Unstructured) (objs []*unstructured.Unstructured, isList bool, err error) {
	kind, _ := u.Object["kind"].(string)
	if !strings.HasSuffix(kind, "List") {
		return []*unstructured.Unstructured{u}, false, nil
	}
	raw, present := u.Object["items"]
	items, ok := raw.([]any)
	switch {
	case kind == "List" && (!present || raw == nil):
		return nil, true, nil // an empty List
	case !ok:
		if kind == "List" {
			return nil, true, fmt.Errorf("items of the List is not an array")
		}
		return []*unstructured.Unstructured{u}, false, nil // a kind whose name ends in List
	}
	apiVersion, _ := u.Object["apiVersion"].(string)
	itemKind := strings.TrimSuffix(kind, "List")
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, true, fmt.Errorf("items[%d] of the %s is not an object", i, kind)
		}
		o := &unstructured.Unstructured{Object: m}
		// A typed list (PodList) from a server carries its items' apiVersion
		// and kind only once, on the list.
		_, hasKind := m["kind"]
		_, hasAPIVersion := m["apiVersion"]
		if kind != "List" && !hasKind && !hasAPIVersion {
			o.SetKind(itemKind)
			o.SetAPIVersion(apiVersion)
		}
		sub, _, err := flatten(o)
		if err != nil {
			return nil, true, err
		}
		objs = append(objs, sub...)
	}
	return objs, true, nil
}
