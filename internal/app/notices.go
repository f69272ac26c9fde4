package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"shareline/internal/auth"
)

// Every change to a user's credentials or sessions is told to them (ASVS 2.2.3, 2.5.5): the
// use case that makes it writes a notice in its own transaction (recordAbout), the user's next
// page shows it once (their account page lists every change from the audit log), and, when SMTP is configured, an email
// follows from the outbox the notices are (DeliverNotices), apart from the change itself: a
// mail server that is slow or down never holds up or fails the change.

// TakeNotices returns p's notices not shown yet, newest first, and marks them shown: what the
// next page tells the user once.
func (a *App) TakeNotices(ctx context.Context, p Principal) ([]auth.Notice, error) {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return nil, err
	}
	var out []auth.Notice
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Notices().TakeUnseen(ctx, p.User.ID, 10)
		return err
	})
	return out, err
}

// Mail is one email to a user.
type Mail struct {
	To, ToName    string
	ReplyTo       string // where replies go ("": the sender)
	Subject, Body string
}

// Mailer sends email (internal/mail, over SMTP).
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// MailOptions tune the delivery of notice emails; zero fields take the defaults.
type MailOptions struct {
	// BaseURL is where users reach Shareline, for the link to their account ("": no link).
	BaseURL string
	// Poll is how often the outbox is read (default 5 s).
	Poll time.Duration
	// Retry is the wait after a first failed try, doubled after each one up to MaxRetry
	// (default 30 s, at most 30 minutes); after Attempts tries (default 8) the mail is given up.
	Retry, MaxRetry time.Duration
	Attempts        int
	// Timeout bounds one try (default 30 s); the lease of the notices it sends is twice that.
	Timeout time.Duration
	// MaxAge gives up mails of notices older than this (default 24 hours), such as those
	// written before SMTP was configured.
	MaxAge time.Duration
}

func (o MailOptions) withDefaults() MailOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Poll, 5*time.Second)
	def(&o.Retry, 30*time.Second)
	def(&o.MaxRetry, 30*time.Minute)
	def(&o.Timeout, 30*time.Second)
	def(&o.MaxAge, 24*time.Hour)
	if o.Attempts <= 0 {
		o.Attempts = 8
	}
	return o
}

// retryIn is the wait after the attempts-th failed try.
func (o MailOptions) retryIn(attempts int) time.Duration {
	d := o.Retry
	for i := 1; i < attempts && d < o.MaxRetry; i++ {
		d *= 2
	}
	return min(d, o.MaxRetry)
}

// RunNoticeMail sends the emails of security notices until ctx ends, reading the outbox every
// o.Poll. Failures are logged and retried; they never reach the user's change.
func (a *App) RunNoticeMail(ctx context.Context, m Mailer, o MailOptions, log *slog.Logger) {
	o = o.withDefaults()
	tick := time.NewTicker(o.Poll)
	defer tick.Stop()
	for {
		if _, err := a.DeliverNotices(ctx, m, o, log); err != nil && ctx.Err() == nil {
			log.Error("sending security notices by email", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// DeliverNotices sends one email per user for the notices whose mail is due, and reports how
// many it sent. A failed send is noted for a later retry (or given up after o.Attempts) and
// logged, without the mail's text.
func (a *App) DeliverNotices(ctx context.Context, m Mailer, o MailOptions, log *slog.Logger) (int, error) {
	o = o.withDefaults()
	var batches []MailBatch
	if err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		batches, err = tx.Notices().ClaimMail(ctx, 2*o.Timeout, o.MaxAge, 100)
		return err
	}); err != nil {
		return 0, err
	}
	sent := 0
	for _, b := range batches {
		ids := make([]int64, len(b.Notices))
		for i, n := range b.Notices {
			ids[i] = n.ID
		}
		sendCtx, cancel := context.WithTimeout(ctx, o.Timeout)
		err := m.Send(sendCtx, NoticeMail(b, o.BaseURL))
		cancel()
		if err != nil {
			giveUp := b.Attempts >= o.Attempts
			log.Warn("a security notice email was not sent", "user_id", b.UserID, "notices", len(ids), "attempt", b.Attempts, "given_up", giveUp, "err", err)
			if ferr := a.store.Update(ctx, func(tx Tx) error {
				return tx.Notices().MailFailed(ctx, ids, o.retryIn(b.Attempts), err.Error(), giveUp)
			}); ferr != nil {
				return sent, ferr
			}
			continue
		}
		if err := a.store.Update(ctx, func(tx Tx) error { return tx.Notices().Mailed(ctx, ids) }); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// NoticeMail is the email telling a user of the changes in b. It names each change, who made
// it, when and from where; it never carries a password, code or token, since summaries never
// do.
func NoticeMail(b MailBatch, baseURL string) Mail {
	subject := "Shareline: " + auth.NoticeTitle(b.Notices[0].Action)
	if len(b.Notices) > 1 {
		subject = fmt.Sprintf("Shareline: %d changes to your account", len(b.Notices))
	}
	var body strings.Builder
	name := b.Name
	if name == "" {
		name = b.Email
	}
	fmt.Fprintf(&body, "Hello %s,\n\n", name)
	if len(b.Notices) == 1 {
		fmt.Fprintf(&body, "This change was made to your Shareline account (%s):\n\n", b.Email)
	} else {
		fmt.Fprintf(&body, "These changes were made to your Shareline account (%s):\n\n", b.Email)
	}
	for _, n := range b.Notices {
		fmt.Fprintf(&body, "- %s: %s.\n  %s, by %s", n.At.UTC().Format("2006-01-02 15:04 UTC"), auth.NoticeTitle(n.Action), n.Summary, n.Actor)
		if n.RemoteAddr != "" {
			fmt.Fprintf(&body, ", from %s", n.RemoteAddr)
		}
		body.WriteString(".\n")
	}
	body.WriteString("\nIf you did not make or expect this, tell your Shareline admin at once, and change your password.\n")
	if baseURL != "" {
		fmt.Fprintf(&body, "Every change to your account is listed at %s/account\n", strings.TrimSuffix(baseURL, "/"))
	}
	return Mail{To: b.Email, ToName: b.Name, Subject: subject, Body: body.String()}
}
