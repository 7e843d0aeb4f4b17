package client

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// statusErrorFrom reads and closes the body of a non-2xx response and turns it
// into a StatusError: the Status it carries, or one built from the HTTP code.
func statusErrorFrom(resp *http.Response) *apierrors.StatusError {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody)) // reuse the connection
	var st meta.Status
	if json.Unmarshal(body, &st) == nil && st.Kind == "Status" {
		if st.Code == 0 {
			st.Code = int32(resp.StatusCode)
		}
		if st.Reason == meta.StatusReasonUnknown {
			st.Reason = reasonForCode(resp.StatusCode)
		}
		return apierrors.FromStatus(st)
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 1024 {
		msg = msg[:1024] + "..."
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	e := apierrors.New(resp.StatusCode, reasonForCode(resp.StatusCode),
		"the server responded with the status code "+itoa(resp.StatusCode)+": "+msg)
	if s := retryAfter(resp.Header.Get("Retry-After")); s > 0 {
		e.Status.Details = &meta.StatusDetails{RetryAfterSeconds: int32(s.Seconds())}
	}
	return e
}

// reasonForCode derives a reason from an HTTP code, as client-go does for
// answers that carry no Status.
func reasonForCode(code int) meta.StatusReason {
	switch code {
	case http.StatusBadRequest:
		return meta.StatusReasonBadRequest
	case http.StatusUnauthorized:
		return meta.StatusReasonUnauthorized
	case http.StatusForbidden:
		return meta.StatusReasonForbidden
	case http.StatusNotFound:
		return meta.StatusReasonNotFound
	case http.StatusMethodNotAllowed:
		return meta.StatusReasonMethodNotAllowed
	case http.StatusNotAcceptable:
		return meta.StatusReasonNotAcceptable
	case http.StatusConflict:
		return meta.StatusReasonConflict
	case http.StatusGone:
		return meta.StatusReasonGone
	case http.StatusRequestEntityTooLarge:
		return meta.StatusReasonRequestEntityTooLarge
	case http.StatusUnsupportedMediaType:
		return meta.StatusReasonUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return meta.StatusReasonInvalid
	case http.StatusTooManyRequests:
		return meta.StatusReasonTooManyRequests
	case http.StatusServiceUnavailable:
		return meta.StatusReasonServiceUnavailable
	case http.StatusGatewayTimeout:
		return meta.StatusReasonTimeout
	}
	if code >= 500 {
		return meta.StatusReasonInternalError
	}
	return meta.StatusReasonUnknown
}
