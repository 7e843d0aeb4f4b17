package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"sigs.k8s.io/yaml"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/server/registry"
)

// writeStatus answers err as a meta/v1 Status.
func writeStatus(w http.ResponseWriter, err error) {
	se := statusError(err)
	code := int(se.Status.Code)
	if code == 0 {
		code = http.StatusInternalServerError
	}
	if d := se.Status.Details; d != nil && d.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.RetryAfterSeconds)))
	}
	body, _ := json.Marshal(se.Status)
	writeRaw(w, code, "application/json", body)
}

func writeRaw(w http.ResponseWriter, code int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// writeJSON answers a JSON document in the negotiated form (JSON or YAML).
func writeJSON(w http.ResponseWriter, code int, out output, body []byte) {
	if out.form == formYAML {
		y, err := yaml.JSONToYAML(body)
		if err != nil {
			writeStatus(w, apierrors.NewInternalError(err))
			return
		}
		writeRaw(w, code, "application/yaml", y)
		return
	}
	writeRaw(w, code, "application/json", body)
}

// writeObject answers one object: as itself, or as a one-row Table.
func writeObject(w http.ResponseWriter, r *http.Request, code int, out output, k *registry.Kind, o *registry.Object) {
	if out.form == formTable {
		t, err := buildTable(r, out, k, []*registry.Object{o}, "", "", true)
		if err != nil {
			writeStatus(w, err)
			return
		}
		writeRaw(w, code, "application/json", t)
		return
	}
	writeJSON(w, code, out, o.Raw)
}

// writeList answers a list page without decoding its items.
func writeList(w http.ResponseWriter, r *http.Request, out output, k *registry.Kind, res *registry.ListResult) {
	rv := strconv.FormatInt(res.Revision, 10)
	if out.form == formTable {
		t, err := buildTable(r, out, k, res.Items, rv, res.Continue, true)
		if err != nil {
			writeStatus(w, err)
			return
		}
		writeRaw(w, http.StatusOK, "application/json", t)
		return
	}
	size := 128
	for _, it := range res.Items {
		size += len(it.Raw) + 1
	}
	var buf bytes.Buffer
	buf.Grow(size)
	buf.WriteString(`{"kind":`)
	writeString(&buf, k.ListKindName())
	buf.WriteString(`,"apiVersion":`)
	writeString(&buf, k.GroupVersion())
	buf.WriteString(`,"metadata":{"resourceVersion":`)
	writeString(&buf, rv)
	if res.Continue != "" {
		buf.WriteString(`,"continue":`)
		writeString(&buf, res.Continue)
	}
	if res.Remaining != nil {
		buf.WriteString(`,"remainingItemCount":`)
		buf.WriteString(strconv.FormatInt(*res.Remaining, 10))
	}
	buf.WriteString(`},"items":[`)
	for i, it := range res.Items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it.Raw)
	}
	buf.WriteString("]}")
	writeJSON(w, http.StatusOK, out, buf.Bytes())
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}

// WriteError answers err as a meta/v1 Status (500 for errors that are not
// Status errors). For handlers outside this package, such as panic recovery.
func WriteError(w http.ResponseWriter, err error) { writeStatus(w, err) }
