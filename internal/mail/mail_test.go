package mail_test

import (
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	shmail "shareline/internal/mail"
	"shareline/internal/mail/smtptest"
)

func TestParseURL(t *testing.T) {
	const from = "Shareline <shareline@example.com>"
	good := []struct {
		url  string
		want shmail.Config
	}{
		{"smtp://mail.example.com", shmail.Config{Host: "mail.example.com", Port: 587, StartTLS: "required"}},
		{"smtp://u:p%40ss@mail.example.com:2525", shmail.Config{Host: "mail.example.com", Port: 2525, Username: "u", Password: "p@ss", StartTLS: "required"}},
		{"smtps://u:p@mail.example.com", shmail.Config{Host: "mail.example.com", Port: 465, Username: "u", Password: "p", ImplicitTLS: true}},
		{"smtp://127.0.0.1:25", shmail.Config{Host: "127.0.0.1", Port: 25, StartTLS: "opportunistic"}},
		{"smtp://localhost:25?starttls=off", shmail.Config{Host: "localhost", Port: 25, StartTLS: "off"}},
		{"smtp://mail.example.com?starttls=opportunistic", shmail.Config{Host: "mail.example.com", Port: 587, StartTLS: "opportunistic"}},
	}
	for _, g := range good {
		got, err := shmail.ParseURL(g.url, from)
		g.want.From = from
		if err != nil || got != g.want {
			t.Errorf("ParseURL(%q): got %+v, %v; want %+v", g.url, got, err, g.want)
		}
	}
	bad := []struct{ url, from, says string }{
		{"http://mail.example.com", from, "smtp:// or smtps://"},
		{"smtp://", from, "no host"},
		{"smtp://mail.example.com:99999", from, "port"},
		{"smtp://mail.example.com?tls=1", from, "unknown parameter"},
		{"smtp://mail.example.com?starttls=maybe", from, "starttls must be"},
		{"smtps://mail.example.com?starttls=off", from, "takes no starttls"},
		{"smtp://u:secret-pw@mail.example.com?starttls=opportunistic", from, "only over TLS"},
		{"smtp://mail.example.com", "", "SHARELINE_MAIL_FROM"},
		{"smtp://mail.example.com", "not an address", "SHARELINE_MAIL_FROM"},
		{"smtp://u:secret-pw@mail.example.com/x", from, "no path"},
	}
	for _, b := range bad {
		_, err := shmail.ParseURL(b.url, b.from)
		if err == nil || !strings.Contains(err.Error(), b.says) {
			t.Errorf("ParseURL(%q, %q): got %v, want an error saying %q", b.url, b.from, err, b.says)
		}
		if err != nil && strings.Contains(err.Error(), "secret-pw") {
			t.Errorf("ParseURL(%q): the error quotes the password: %v", b.url, err)
		}
	}
}

// send sends one message to srv through a Sender configured by url.
func send(t *testing.T, srv *smtptest.Server, url string) error {
	t.Helper()
	cfg, err := shmail.ParseURL(url, "Shareline <shareline@example.com>")
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	cfg.TLS = srv.ClientTLS
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return shmail.New(cfg).Send(ctx, app.Mail{To: "eve@example.com", ToName: "Eve Example", Subject: "Shareline: Your password was changed", Body: "Hello Eve,\n\nYour password was changed.\n"})
}

// The message arrives as sent: to its recipient, from the configured sender, with its subject
// and body, over TLS and authenticated when the URL says so.
func TestSendOverStartTLSWithCredentials(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{Username: "shareline", Password: "relay password", TLS: true})
	if err := send(t, srv, srv.URL("starttls=required")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	m := srv.Wait(t, 10*time.Second)
	if !m.TLS || m.Auth != "shareline" {
		t.Errorf("got TLS %v, authenticated as %q; want TLS and shareline", m.TLS, m.Auth)
	}
	if len(m.To) != 1 || m.To[0] != "eve@example.com" || m.From != "shareline@example.com" {
		t.Errorf("envelope: got from %q to %v, want shareline@example.com to eve@example.com", m.From, m.To)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatalf("reading the message: %v", err)
	}
	if got := msg.Header.Get("Subject"); got != "Shareline: Your password was changed" {
		t.Errorf("subject: got %q", got)
	}
	if got := msg.Header.Get("To"); !strings.Contains(got, "eve@example.com") {
		t.Errorf("To: got %q", got)
	}
	if got := msg.Header.Get("From"); !strings.Contains(got, "shareline@example.com") {
		t.Errorf("From: got %q", got)
	}
}

// A wrong password is an error of the send (which the caller retries), never a silent loss.
func TestSendWithWrongCredentialsFails(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{Username: "shareline", Password: "relay password", TLS: true})
	cfgURL := strings.Replace(srv.URL("starttls=required"), "relay%20password", "wrong", 1)
	if err := send(t, srv, cfgURL); err == nil {
		t.Fatal("Send with a wrong password: got no error")
	}
	srv.None(t, 200*time.Millisecond)
}

// STARTTLS required and a server that does not offer it: nothing is sent in clear.
func TestSendRequiresStartTLSWhenAsked(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	if err := send(t, srv, srv.URL("starttls=required")); err == nil {
		t.Fatal("Send to a server without STARTTLS under starttls=required: got no error")
	}
	srv.None(t, 200*time.Millisecond)
	// A relay on this machine without TLS takes it by default.
	if err := send(t, srv, srv.URL("")); err != nil {
		t.Fatalf("Send to a loopback relay: %v", err)
	}
	srv.Wait(t, 10*time.Second)
}
