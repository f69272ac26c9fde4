package assess

import (
	"fmt"
	"time"
)

// Date is a calendar day without a time of day or a zone: what an audit period ends on, or the
// day a score was computed.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

const dateLayout = "2006-01-02"

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a YYYY-MM-DD date and refuses days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("want a date as YYYY-MM-DD")
	}
	if t.Year() < 1900 {
		return Date{}, fmt.Errorf("want a date after 1900")
	}
	return DateOf(t), nil
}

// Time is midnight UTC at the start of the day.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats the day as YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(dateLayout)
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Time().After(o.Time()) }

// DaysSince is the number of whole days from o to d (negative when o is later).
func (d Date) DaysSince(o Date) int { return int(d.Time().Sub(o.Time()).Hours() / 24) }

// MarshalJSON writes the day as a "YYYY-MM-DD" string, or null when unset.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads a "YYYY-MM-DD" string; null leaves the day unset.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("want a date as YYYY-MM-DD")
	}
	parsed, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
