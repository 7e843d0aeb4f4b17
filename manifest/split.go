package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/api/unstructured"
)

// utf8BOM is skipped at the start of a source.
var utf8BOM = []byte("\xef\xbb\xbf")

// document is one YAML document or JSON value of a source.
type document struct {
	data []byte
	line int  // line of the source where it starts, from 1
	json bool // data is JSON (else YAML)
}

// docError is an error in a document found while splitting.
type docError struct {
	doc, line int
	err       error
}

func (e *docError) Error() string { return e.err.Error() }

// split cuts data into documents: JSON values when it starts with '{', else
// YAML documents.
func split(data []byte) ([]document, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return splitJSON(data)
	}
	return splitYAML(data)
}

// splitJSON cuts a stream of JSON values.
func splitJSON(data []byte) ([]document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var docs []document
	for {
		start := int(dec.InputOffset())
		start += len(data[start:]) - len(bytes.TrimLeft(data[start:], " \t\r\n"))
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				err = fmt.Errorf("json: line %d: %w", lineAt(data, int(se.Offset)), se)
			}
			return nil, &docError{doc: len(docs) + 1, line: lineAt(data, start), err: err}
		}
		docs = append(docs, document{data: raw, line: lineAt(data, start), json: true})
	}
}

// lineAt returns the line, from 1, of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// splitYAML cuts YAML at document separators: lines starting with "---"
// followed by nothing but blanks or a comment (the column-0 "---" of a YAML
// document marker; YAML keeps block scalars indented, so no content line
// starts with it). Documents without content (blank, comments only) are
// dropped.
func splitYAML(data []byte) ([]document, error) {
	var docs []document
	start, startLine := 0, 1
	emit := func(end int) {
		if chunk := data[start:end]; hasContent(chunk) {
			docs = append(docs, document{data: chunk, line: startLine})
		}
	}
	line := 1
	for off := 0; off < len(data); line++ {
		end, next := len(data), len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			end, next = off+i, off+i+1
		}
		if text := data[off:end]; bytes.HasPrefix(text, []byte("---")) {
			rest := strings.TrimSpace(string(text[3:]))
			if rest != "" && rest[0] != '#' {
				return nil, fmt.Errorf("invalid YAML document separator at line %d: %s", line, rest)
			}
			emit(off)
			start, startLine = next, line+1
		}
		off = next
	}
	emit(len(data))
	return docs, nil
}

// hasContent reports whether a YAML chunk has a line that is neither blank
// nor a comment.
func hasContent(chunk []byte) bool {
	for l := range bytes.Lines(chunk) {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' {
			return true
		}
	}
	return false
}

// decode parses the document into an object; nil for a null document.
func (d document) decode() (*unstructured.Unstructured, error) {
	j := d.data
	if !d.json {
		var err error
		j, err = yaml.YAMLToJSON(d.data)
		if err != nil {
			return nil, &shiftedError{msg: "error converting YAML to JSON: " + shiftLines(err.Error(), d.line-1), err: err}
		}
	}
	t := bytes.TrimSpace(j)
	if len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	if t[0] != '{' {
		return nil, fmt.Errorf("expected an object, got %s", describeJSON(t))
	}
	u, err := unstructured.Decode(t)
	if err != nil {
		return nil, err
	}
	return u, nil
}

func describeJSON(v []byte) string {
	switch v[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// shiftedError is a YAML error, worded as kubectl's, whose line numbers count
// from the start of the source rather than of the document.
type shiftedError struct {
	msg string
	err error
}

func (e *shiftedError) Error() string { return e.msg }
func (e *shiftedError) Unwrap() error { return e.err }

var lineNumber = regexp.MustCompile(`\bline (\d+)`)

// shiftLines adds by to every "line N" of a YAML parser message.
func shiftLines(msg string, by int) string {
	if by == 0 {
		return msg
	}
	return lineNumber.ReplaceAllStringFunc(msg, func(m string) string {
		n, err := strconv.Atoi(m[len("line "):])
		if err != nil {
			return m
		}
		return "line " + strconv.Itoa(n+by)
	})
}
