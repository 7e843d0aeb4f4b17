// Package jsonpath implements kubectl's JSONPath template dialect, the
// language of `kubectl get -o jsonpath=...`, `--sort-by` and custom columns.
//
// A template is text with actions in braces:
//
//	{.metadata.name}                      a field
//	{.metadata.labels.app\.kubernetes\.io/name}  dots escaped in a key
//	{.metadata.labels['app.kubernetes.io/name']} the same key, quoted
//	{.spec.containers[0].image}           an index (negative counts from the end)
//	{.spec.containers[1:3]}               a slice [start:end:step]
//	{.spec.containers[*].name}            every element (also .*)
//	{.spec.containers[0]['name','image']} a union of keys or indexes
//	{..image}                             recursive descent
//	{.items[?(@.status.phase=="Running")].metadata.name}  a filter: == != < > <= >= =~,
//	                                      or [?(@.field)] for "has field"
//	{range .items[*]}{.metadata.name}{"\n"}{end}  a loop
//	{"\t"}                                a quoted literal ("\n", "\t", "\"", ...)
//
// $ and @ name the current object and may be omitted. Each action prints its
// results separated by single spaces; strings, numbers and booleans print as
// text, objects and arrays as compact JSON, null as null (all as kubectl
// prints them).
//
// Values are what encoding/json decodes into an any: map[string]any, []any,
// string, float64, bool and nil, plus json.Number, int64 and int. Integers
// print without a fractional part, so data decoded with UseNumber prints as
// kubectl prints it.
//
// Differences from kubectl's engine, on purpose: map keys are visited in
// sorted order (kubectl's order for {..x} and {.*} over a map varies from run
// to run); a quoted key ['a.b'] names the key "a.b" (kubectl splits it at
// the dots and finds nothing); numbers of different kinds (1 and 1.0)
// compare by value in filters where kubectl reports incompatible types; =~
// (a regular expression match) is accepted, as newer kubectl releases do.
package jsonpath
