package rest

import (
	"mime"
	"strings"

	apierrors "kctl.dev/kctl/api/errors"
)

// outputForm is the response form a client asked for.
type outputForm int

const (
	formJSON outputForm = iota
	formYAML
	formTable
)

// output is the negotiated response.
type output struct {
	form         outputForm
	tableVersion string // "v1" or "v1beta1" for tables
}

// negotiate picks the first form in Accept the server can produce. Tables are
// offered only for reads (allowTable). An Accept with nothing we produce is 406.
func negotiate(accept string, allowTable bool) (output, error) {
	if strings.TrimSpace(accept) == "" {
		return output{form: formJSON}, nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/json", "*/*", "application/*":
			if as := params["as"]; as != "" {
				if as == "Table" && allowTable && params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
					return output{form: formTable, tableVersion: params["v"]}, nil
				}
				continue // a transformation we do not serve: try the next
			}
			return output{form: formJSON}, nil
		case "application/yaml":
			if params["as"] != "" {
				continue
			}
			return output{form: formYAML}, nil
		}
	}
	return output{}, apierrors.NewNotAcceptable("only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io")
}
