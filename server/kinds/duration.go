package kinds

import (
	"fmt"
	"time"
)

// HumanDuration renders d the way kubectl's AGE column does: about two
// significant figures, from "0s" through "5m30s", "3h10m", "2d4h" and "14d" to
// "2y30d" and "9y". Up to a second in the future counts as "0s" (clock skew);
// further in the future is "<invalid>".
func HumanDuration(d time.Duration) string {
	secs := int64(d / time.Second)
	switch {
	case secs < -1:
		return "<invalid>"
	case secs < 0:
		return "0s"
	case secs < 2*60:
		return fmt.Sprintf("%ds", secs)
	}
	mins := int64(d / time.Minute)
	switch {
	case mins < 10:
		return withRest(mins, "m", secs%60, "s")
	case mins < 3*60:
		return fmt.Sprintf("%dm", mins)
	}
	hours := int64(d / time.Hour)
	const day, year = 24, 24 * 365
	switch {
	case hours < 8:
		return withRest(hours, "h", mins%60, "m")
	case hours < 2*day:
		return fmt.Sprintf("%dh", hours)
	case hours < 8*day:
		return withRest(hours/day, "d", hours%day, "h")
	case hours < 2*year:
		return fmt.Sprintf("%dd", hours/day)
	case hours < 8*year:
		return withRest(hours/year, "y", (hours/day)%365, "d")
	}
	return fmt.Sprintf("%dy", hours/year)
}

// withRest prints "3h" or "3h10m": the smaller unit only when it is not zero.
func withRest(big int64, bigUnit string, small int64, smallUnit string) string {
	if small == 0 {
		return fmt.Sprintf("%d%s", big, bigUnit)
	}
	return fmt.Sprintf("%d%s%d%s", big, bigUnit, small, smallUnit)
}
