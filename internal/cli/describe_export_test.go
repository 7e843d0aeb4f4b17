package cli

import "time"

// SetDescribeClock makes descriptions count ages to now and write times in
// loc until the returned function restores the defaults. Tests that call it
// must not run in parallel with other describe tests.
func SetDescribeClock(now time.Time, loc *time.Location) (restore func()) {
	oldNow, oldLoc := describeNow, describeLocation
	describeNow = func() time.Time { return now }
	describeLocation = loc
	return func() { describeNow, describeLocation = oldNow, oldLoc }
}
