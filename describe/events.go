package describe

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/client"
)

// eventsGVR is the core events resource.
var eventsGVR = client.GVR{Version: "v1", Resource: "events"}

// eventsPageSize is the limit of each page of events listed, as kubectl's
// default --chunk-size.
const eventsPageSize = 500

// Subject names the object events are searched for.
type Subject struct {
	Namespace string // "" for a cluster-scoped object: events in every namespace
	Name      string
	UID       string
}

// EventSelector is the field selector of the events about s, as kubectl
// sends it: involvedObject.name=NAME,involvedObject.namespace=NS,involvedObject.uid=UID.
func EventSelector(s Subject) string {
	return fmt.Sprintf("involvedObject.name=%s,involvedObject.namespace=%s,involvedObject.uid=%s", s.Name, s.Namespace, s.UID)
}

// ListEvents returns the events about s, every page of them.
func ListEvents(ctx context.Context, c *client.Client, s Subject) ([]corev1.Event, error) {
	events := client.NewResource[*corev1.Event](c, eventsGVR, true).Namespace(s.Namespace)
	opts := client.ListOptions{FieldSelector: EventSelector(s), Limit: eventsPageSize}
	var out []corev1.Event
	for {
		page, err := events.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Items {
			out = append(out, *e)
		}
		if page.Continue == "" {
			return out, nil
		}
		opts.Continue = page.Continue
	}
}

// eventsSection writes the Events table, oldest last-seen first, or
// "Events:\t<none>".
func (s *sheet) eventsSection(events []corev1.Event) {
	if len(events) == 0 {
		s.put(0, "Events:\t<none>\n")
		return
	}
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b corev1.Event) int { return a.LastTimestamp.Compare(b.LastTimestamp.Time) })
	s.put(0, "Events:\n")
	s.put(1, "Type\tReason\tAge\tFrom\tMessage\n")
	s.put(1, "----\t------\t----\t----\t-------\n")
	for _, e := range sorted {
		s.put(1, "%s\t%s\t%s\t%s\t%s\n", e.Type, e.Reason, s.eventAge(&e), eventSource(&e), strings.TrimSpace(e.Message))
	}
}

// eventAge is the Age cell: the time since the event was first seen, and for
// a repeated event the time since it was last seen with the count,
// "10m (x5 over 60m)".
func (s *sheet) eventAge(e *corev1.Event) string {
	first := s.since(e.FirstTimestamp.Time)
	if !e.EventTime.IsZero() {
		first = s.since(e.EventTime.Time)
	}
	var last time.Time
	var count int32
	switch {
	case e.Series != nil:
		last, count = e.Series.LastObservedTime.Time, e.Series.Count
	case e.Count > 1:
		last, count = e.LastTimestamp.Time, e.Count
	default:
		return first
	}
	return fmt.Sprintf("%s (x%d over %s)", s.since(last), count, first)
}

// eventSource is the From cell: the reporting component.
func eventSource(e *corev1.Event) string {
	if e.Source.Component != "" {
		return e.Source.Component
	}
	return e.ReportingController
}
