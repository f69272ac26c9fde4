package assess

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewRequestRefusesBadFields(t *testing.T) {
	today := Date{2026, time.April, 15}
	ok := RequestInput{ContactName: "Ada Contact", ContactEmail: "ada@acme.example", DueDate: "2026-04-30", Message: "Please answer."}
	tests := []struct {
		name   string
		change func(*RequestInput)
		field  string // "" when accepted
		says   string
	}{
		{"a complete request", func(*RequestInput) {}, "", ""},
		{"due today", func(in *RequestInput) { in.DueDate = "2026-04-15" }, "", ""},
		{"no name", func(in *RequestInput) { in.ContactName = "  " }, "contact_name", "is required"},
		{"a name too long", func(in *RequestInput) { in.ContactName = strings.Repeat("a", 201) }, "contact_name", "at most 200"},
		{"a name on two lines", func(in *RequestInput) { in.ContactName = "Ada\nContact" }, "contact_name", "must be one line"},
		{"no email", func(in *RequestInput) { in.ContactEmail = "" }, "contact_email", "is required"},
		{"an email without @", func(in *RequestInput) { in.ContactEmail = "ada.acme.example" }, "contact_email", "want an email address"},
		{"an email with a display name", func(in *RequestInput) { in.ContactEmail = "Ada <ada@acme.example>" }, "contact_email", "want an email address"},
		{"an email without a domain dot", func(in *RequestInput) { in.ContactEmail = "ada@localhost" }, "contact_email", "want an email address"},
		{"an email too long", func(in *RequestInput) { in.ContactEmail = strings.Repeat("a", 250) + "@x.example" }, "contact_email", "want an email address"},
		{"no due date", func(in *RequestInput) { in.DueDate = "" }, "due_date", "is required"},
		{"a due date not a date", func(in *RequestInput) { in.DueDate = "30/04/2026" }, "due_date", "YYYY-MM-DD"},
		{"a due date in the past", func(in *RequestInput) { in.DueDate = "2026-04-14" }, "due_date", "is in the past"},
		{"a due date too far ahead", func(in *RequestInput) { in.DueDate = "2027-05-01" }, "due_date", "more than 366 days"},
		{"a message too long", func(in *RequestInput) { in.Message = strings.Repeat("é", 5001) }, "message", "at most 5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.change(&in)
			r, err := NewRequest(in, today)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("got %v, want the request accepted", err)
				}
				if want := RequestExpiry(r.DueDate); !r.ExpiresAt.Equal(want) {
					t.Errorf("expires at %v, want %v", r.ExpiresAt, want)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error on %s", err, tt.field)
			}
			if msg := ve.Fields[tt.field]; !strings.Contains(msg, tt.says) {
				t.Errorf("%s: got %q, want it to say %q (all: %v)", tt.field, msg, tt.says, ve.Fields)
			}
		})
	}
}

func TestRequestExpiryIsTwoWeeksAfterTheDueDay(t *testing.T) {
	got := RequestExpiry(Date{2026, time.April, 30})
	if want := time.Date(2026, time.May, 15, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v (the end of the due day plus 14 days)", got, want)
	}
}

func TestRequestStatus(t *testing.T) {
	now := time.Date(2026, time.April, 15, 12, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	live := Request{ExpiresAt: now.Add(time.Hour), SentBy: "Eve", SentByEmail: "eve@example.com"}
	with := func(f func(*Request)) Request { r := live; f(&r); return r }
	tests := []struct {
		name string
		r    Request
		want RequestStatus
		open bool // CheckOpenable lets it through
		edit bool // CheckRespondable lets it through
	}{
		{"sent", live, RequestSent, true, true},
		{"opened", with(func(r *Request) { r.OpenedAt = &at }), RequestOpened, true, true},
		{"in progress", with(func(r *Request) { r.OpenedAt, r.StartedAt = &at, &at }), RequestInProgress, true, true},
		{"submitted", with(func(r *Request) { r.StartedAt, r.SubmittedAt = &at, &at }), RequestSubmitted, true, false},
		{"submitted after its expiry", with(func(r *Request) { r.SubmittedAt, r.ExpiresAt = &at, at }), RequestSubmitted, true, false},
		{"expired", with(func(r *Request) { r.OpenedAt, r.ExpiresAt = &at, now }), RequestExpired, false, false},
		{"revoked", with(func(r *Request) { r.SubmittedAt, r.RevokedAt = &at, &at }), RequestRevoked, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Status(now); got != tt.want {
				t.Errorf("status: got %s, want %s", got, tt.want)
			}
			if err := CheckOpenable(tt.r, now); (err == nil) != tt.open {
				t.Errorf("CheckOpenable: got %v, want open %v", err, tt.open)
			}
			if err := CheckRespondable(tt.r, now); (err == nil) != tt.edit {
				t.Errorf("CheckRespondable: got %v, want editable %v", err, tt.edit)
			}
		})
	}
	var closed *LinkClosed
	if err := CheckOpenable(with(func(r *Request) { r.RevokedAt = &at }), now); !errors.As(err, &closed) || !strings.Contains(err.Error(), "Ask Eve (eve@example.com)") {
		t.Errorf("a revoked link: got %v, want it to name who sent it", err)
	}
}

func TestReissuedExpiry(t *testing.T) {
	now := time.Date(2026, time.April, 15, 12, 0, 0, 0, time.UTC)
	live := Request{ExpiresAt: now.Add(48 * time.Hour)}
	if got := ReissuedExpiry(live, now); !got.Equal(live.ExpiresAt) {
		t.Errorf("a live request: got %v, want its own expiry %v", got, live.ExpiresAt)
	}
	expired := Request{ExpiresAt: now.Add(-time.Hour)}
	if got := ReissuedExpiry(expired, now); !got.Equal(now.Add(RequestGrace)) {
		t.Errorf("an expired request: got %v, want 14 days from now", got)
	}
}

func TestRequestOverdue(t *testing.T) {
	due := DateOf(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	later := at.Add(24 * time.Hour)
	for _, c := range []struct {
		name string
		r    Request
		now  time.Time
		want bool
	}{
		{"on its due day", Request{DueDate: due}, at, false},
		{"the day after", Request{DueDate: due}, later, true},
		{"submitted", Request{DueDate: due, SubmittedAt: &at}, later, false},
		{"revoked", Request{DueDate: due, RevokedAt: &at}, later, false},
	} {
		if got := c.r.Overdue(c.now); got != c.want {
			t.Errorf("%s: Overdue = %v, want %v", c.name, got, c.want)
		}
	}
}
