// Package mail sends Shareline's emails (the security notices of internal/app) over SMTP, with
// wneessen/go-mail. It is configured by one URL (SHARELINE_SMTP_URL):
//
//	smtp://[user[:password]@]host[:port][?starttls=required|opportunistic|off]  (port 587)
//	smtps://[user[:password]@]host[:port]                                        (TLS from the start, port 465)
//
// An smtp:// URL requires STARTTLS unless its host is loopback (a relay on the same machine),
// where it is used when offered; starttls= says otherwise. Credentials are sent only over TLS,
// or to a loopback host.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"shareline/internal/app"
)

// Config is where and how mail is sent.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	// ImplicitTLS is smtps://: TLS from the first byte.
	ImplicitTLS bool
	// StartTLS is the STARTTLS policy of smtp://: "required", "opportunistic" or "off".
	StartTLS string
	// From is the sender, as "Name <address>" or an address.
	From string
	// TLS, when set, replaces the default TLS configuration (tests trust their own server).
	TLS *tls.Config
}

// Addr is the server's host and port, for logs (never the credentials).
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// ParseURL reads an SMTP URL and the From address. Errors never quote the URL, which may hold
// a password.
func ParseURL(raw, from string) (Config, error) {
	const name = "SHARELINE_SMTP_URL"
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("%s is not a URL such as smtp://user:password@mail.example.com:587", name)
	}
	c := Config{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return Config{}, fmt.Errorf("%s must start with smtp:// or smtps://", name)
	}
	if c.Host == "" {
		return Config{}, fmt.Errorf("%s names no host", name)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("%s: the port must be a number from 1 to 65535", name)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, fmt.Errorf("%s takes no path", name)
	}
	q := u.Query()
	for k := range q {
		if k != "starttls" {
			return Config{}, fmt.Errorf("%s: unknown parameter %q (only starttls)", name, k)
		}
	}
	c.StartTLS = q.Get("starttls")
	switch {
	case c.ImplicitTLS && c.StartTLS != "":
		return Config{}, fmt.Errorf("%s: smtps:// is TLS from the start and takes no starttls", name)
	case c.ImplicitTLS:
	case c.StartTLS == "" && loopback(c.Host):
		c.StartTLS = "opportunistic"
	case c.StartTLS == "":
		c.StartTLS = "required"
	case c.StartTLS != "required" && c.StartTLS != "opportunistic" && c.StartTLS != "off":
		return Config{}, fmt.Errorf("%s: starttls must be required, opportunistic or off", name)
	}
	if c.StartTLS != "required" && !c.ImplicitTLS && c.Username != "" && !loopback(c.Host) {
		return Config{}, fmt.Errorf("%s: a password is sent only over TLS: use smtps:// or starttls=required with a server that is not on this machine", name)
	}
	if from == "" {
		return Config{}, errors.New("SHARELINE_SMTP_URL is set: set SHARELINE_MAIL_FROM too, the sender of Shareline's emails (\"Shareline <shareline@example.com>\")")
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return Config{}, fmt.Errorf("SHARELINE_MAIL_FROM %q is not an address such as \"Shareline <shareline@example.com>\"", from)
	}
	c.From = from
	return c, nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Sender sends mail with one Config; it is safe for concurrent use (each send dials anew).
type Sender struct{ cfg Config }

var _ app.Mailer = (*Sender)(nil)

// New returns a Sender.
func New(cfg Config) *Sender { return &Sender{cfg: cfg} }

// Send sends one plain-text message, within ctx.
func (s *Sender) Send(ctx context.Context, m app.Mail) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return fmt.Errorf("mail: reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetUserAgent("Shareline")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	opts := s.options()
	if deadline, ok := ctx.Deadline(); ok {
		// go-mail's context bounds the dial; its timeout bounds every read and write after it.
		opts = append(opts, gomail.WithTimeout(max(time.Until(deadline), time.Millisecond)))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: sending through %s: %w", s.cfg.Addr(), err)
	}
	return nil
}

func (s *Sender) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port)}
	switch {
	case s.cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.cfg.StartTLS == "required":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case s.cfg.StartTLS == "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(s.cfg.TLS))
	} else {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}
