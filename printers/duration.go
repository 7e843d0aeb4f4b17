package printers

import (
	"strconv"
	"time"
)

// HumanDuration renders d as kubectl's AGE column does: two significant
// units at most, the smaller one only while it still matters ("45s",
// "3m20s", "10m", "3h10m", "5h", "2d3h", "120d", "2y45d", "9y"). A duration
// up to a second in the future is "0s" (clock skew); further ahead it is
// "<invalid>".
func HumanDuration(d time.Duration) string {
	seconds := int64(d / time.Second)
	switch {
	case seconds < -1:
		return "<invalid>"
	case seconds < 0:
		return "0s"
	case seconds < 2*60:
		return itoa(seconds) + "s"
	}
	minutes := int64(d / time.Minute)
	switch {
	case minutes < 10:
		return pair(minutes, "m", seconds%60, "s")
	case minutes < 3*60:
		return itoa(minutes) + "m"
	}
	hours := int64(d / time.Hour)
	const day, year = 24, 24 * 365
	switch {
	case hours < 8:
		return pair(hours, "h", minutes%60, "m")
	case hours < 2*day:
		return itoa(hours) + "h"
	case hours < 8*day:
		return pair(hours/day, "d", hours%day, "h")
	case hours < 2*year:
		return itoa(hours/day) + "d"
	case hours < 8*year:
		return pair(hours/year, "y", (hours/day)%365, "d")
	}
	return itoa(hours/year) + "y"
}

// pair prints "3h10m", or "3h" when the smaller unit is zero.
func pair(big int64, bigUnit string, small int64, smallUnit string) string {
	if small == 0 {
		return itoa(big) + bigUnit
	}
	return itoa(big) + bigUnit + itoa(small) + smallUnit
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
