package discovery

import (
	"sort"
	"strconv"
	"strings"

	"kctl.dev/kctl/api/meta"
)

// mediaRange is one clause of an Accept header.
type mediaRange struct {
	typ, subtype string
	params       map[string]string // lower-cased keys, q removed
	q            float64
}

// parseAccept splits Accept header values into clauses, drops those with q=0 and
// orders the rest by q, keeping the client's order among equal q.
func parseAccept(values []string) []mediaRange {
	var out []mediaRange
	for _, v := range values {
		for _, clause := range splitOutsideQuotes(v, ',') {
			parts := splitOutsideQuotes(clause, ';')
			mt := strings.ToLower(strings.TrimSpace(parts[0]))
			if mt == "" {
				continue
			}
			typ, sub, ok := strings.Cut(mt, "/")
			if !ok {
				// A bare "*" is sent by some clients for "*/*".
				if typ != "*" {
					continue
				}
				sub = "*"
			}
			m := mediaRange{typ: typ, subtype: sub, params: map[string]string{}, q: 1}
			for _, p := range parts[1:] {
				k, val, _ := strings.Cut(p, "=")
				k = strings.ToLower(strings.TrimSpace(k))
				val = strings.TrimSpace(val)
				if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
					val = val[1 : len(val)-1]
				}
				if k == "" {
					continue
				}
				if k == "q" {
					if q, err := strconv.ParseFloat(val, 64); err == nil {
						m.q = q
					}
					continue
				}
				m.params[k] = val
			}
			if m.q <= 0 {
				continue
			}
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].q > out[j].q })
	return out
}

func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	inQuote := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			inQuote = !inQuote
		case c == '\\' && inQuote:
			i++
		case c == sep && !inQuote:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// wantsAggregated decides between the aggregated and the plain document for
// /api and /apis. The first clause (by q, then client order) that we can produce
// wins: a JSON-compatible range naming apidiscovery.k8s.io/v2
// APIGroupDiscoveryList means aggregated; one without g/v/as parameters means
// plain; clauses asking for anything else (v2beta1, Table, protobuf, YAML) are
// skipped. When nothing matches, the plain JSON document is answered rather than
// 406, as the Kubernetes API server does: clients treat an error on /api or /apis
// as fatal.
func wantsAggregated(accept []string) bool {
	for _, m := range parseAccept(accept) {
		if !jsonCompatible(m) {
			continue
		}
		g, hasG := m.params["g"]
		v, hasV := m.params["v"]
		as, hasAs := m.params["as"]
		if !hasG && !hasV && !hasAs {
			return false
		}
		if g == meta.AggregatedDiscoveryGroup && v == meta.AggregatedDiscoveryVersion && as == meta.AggregatedDiscoveryKind {
			return true
		}
	}
	return false
}

func jsonCompatible(m mediaRange) bool {
	switch {
	case m.typ == "*" && m.subtype == "*":
		return true
	case m.typ == "application" && (m.subtype == "json" || m.subtype == "*"):
		return true
	}
	return false
}
