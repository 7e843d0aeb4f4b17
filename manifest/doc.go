// Package manifest reads the manifests of `kctl create -f`, `kctl apply -f`
// and `kctl delete -f`: files, directories and standard input holding
// Kubernetes objects in YAML or JSON, read as kubectl reads them.
//
// # Sources
//
// Read takes what follows -f: files (whatever their extension), directories
// (their .json, .yaml and .yml files in lexical order; with recursive, those of
// subdirectories too, else only the top level, as kubectl -R), and "-" for
// standard input (named "STDIN" in messages). A path that does not exist is an
// error worded as kubectl's: the path "x.yaml" does not exist. URLs are not
// supported.
//
// # Formats
//
// A source whose first non-blank character is '{' is a stream of JSON objects
// (one or several, one after the other). Anything else is YAML, split into
// documents on lines that start with "---" followed by nothing but blanks or a
// comment; a line starting with "---" followed by anything else is an error, as
// in kubectl. Documents that are empty or hold only comments or null are
// skipped. A List (kind "List", or any kind ending in "List" with an items
// array, such as the PodList a server returns) is replaced by its items; items
// of a typed list without apiVersion and kind get the list's apiVersion and
// the kind without "List", as kubectl does.
//
// Numbers are kept exactly as written (json.Number), as in package
// unstructured.
//
// # Errors
//
// A document that does not parse is a *ParseError, worded as kubectl's
// ("error parsing deploy.yaml: error converting YAML to JSON: yaml: line 5:
// ..."), with line numbers counted from the start of the file and, when the
// source holds several documents, the document named. An object without
// apiVersion or kind is a *ValidationError worded as kubectl's: error
// validating "deploy.yaml": error validating data: [apiVersion not set, kind
// not set]. Read stops at the first error and returns no objects, so that a
// command acts on all of its manifests or on none.
package manifest
