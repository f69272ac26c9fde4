package main

import (
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func secServeConfig(t *testing.T, vars map[string]string, args ...string) (Config, error) {
	t.Helper()
	return parseConfig("serve", args, console{env(vars), nil, io.Discard, io.Discard})
}

func TestTrustedProxiesConfig(t *testing.T) {
	prefixes := func(ss ...string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		want []netip.Prefix
		err  string
	}{
		{"none by default", nil, nil, nil, ""},
		{"CIDRs and addresses from the environment", map[string]string{"SHARELINE_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,2001:db8::/32 , ::1"}, nil,
			prefixes("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32", "::1/128"), ""},
		{"the flag over the environment", map[string]string{"SHARELINE_TRUSTED_PROXIES": "10.0.0.0/8"}, []string{"--trusted-proxies", "172.16.0.0/12"},
			prefixes("172.16.0.0/12"), ""},
		{"host bits are masked", map[string]string{"SHARELINE_TRUSTED_PROXIES": "10.1.2.3/8"}, nil, prefixes("10.0.0.0/8"), ""},
		{"IPv4-mapped forms count as IPv4", map[string]string{"SHARELINE_TRUSTED_PROXIES": "::ffff:10.0.0.0/104,::ffff:192.0.2.7"}, nil,
			prefixes("10.0.0.0/8", "192.0.2.7/32"), ""},
		{"empty items are skipped", map[string]string{"SHARELINE_TRUSTED_PROXIES": ",10.0.0.0/8,,"}, nil, prefixes("10.0.0.0/8"), ""},
		{"a host name is refused", map[string]string{"SHARELINE_TRUSTED_PROXIES": "proxy.internal"}, nil, nil, `"proxy.internal" is not an IP address`},
		{"a bad CIDR is refused", map[string]string{"SHARELINE_TRUSTED_PROXIES": "10.0.0.0/33"}, nil, nil, `"10.0.0.0/33" is not a CIDR`},
		{"a bad flag value is refused", nil, []string{"--trusted-proxies", "10.0.0.0/8,*"}, nil, `"*" is not an IP address`},
	} {
		cfg, err := secServeConfig(t, tc.vars, tc.args...)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: got error %v, want none", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "SHARELINE_TRUSTED_PROXIES")):
			t.Errorf("%s: got error %v, want one naming SHARELINE_TRUSTED_PROXIES and %s", tc.name, err, tc.err)
		case tc.err == "" && !slices.Equal(cfg.TrustedProxies, tc.want):
			t.Errorf("%s: got %v, want %v", tc.name, cfg.TrustedProxies, tc.want)
		}
	}
}

// The deprecated SHARELINE_TRUST_PROXY=true (--trust-proxy) no longer trusts every peer: only a
// proxy on loopback, and it says so.
func TestTrustProxyIsALoopbackAliasWithAWarning(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		args []string
	}{
		{map[string]string{"SHARELINE_TRUST_PROXY": "true"}, nil},
		{nil, []string{"--trust-proxy"}},
	} {
		cfg, err := secServeConfig(t, c.vars, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		var logs strings.Builder
		got := cfg.proxies(slog.New(slog.NewTextHandler(&logs, nil)))
		if !slices.Equal(got, loopbackProxies) {
			t.Errorf("%v %v: trusted %v, want loopback only %v", c.vars, c.args, got, loopbackProxies)
		}
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "SHARELINE_TRUSTED_PROXIES") {
			t.Errorf("%v %v: want a warning pointing to SHARELINE_TRUSTED_PROXIES, logged %q", c.vars, c.args, logs.String())
		}
	}
	cfg, err := secServeConfig(t, map[string]string{"SHARELINE_TRUST_PROXY": "true", "SHARELINE_TRUSTED_PROXIES": "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.proxies(slog.New(slog.DiscardHandler)); len(got) != 3 || got[0] != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("both set: trusted %v, want 10.0.0.0/8 and loopback", got)
	}
	cfg, err = secServeConfig(t, map[string]string{"SHARELINE_TRUSTED_PROXIES": "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	if got := cfg.proxies(slog.New(slog.NewTextHandler(&logs, nil))); len(got) != 1 || logs.Len() != 0 {
		t.Errorf("without the alias: trusted %v, logged %q; want 10.0.0.0/8 alone and no warning", got, logs.String())
	}
	// Trusting everyone is allowed, and warned about.
	cfg, err = secServeConfig(t, map[string]string{"SHARELINE_TRUSTED_PROXIES": "0.0.0.0/0"})
	if err != nil {
		t.Fatal(err)
	}
	logs.Reset()
	cfg.proxies(slog.New(slog.NewTextHandler(&logs, nil)))
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "trusts every address") {
		t.Errorf("0.0.0.0/0: want a warning, logged %q", logs.String())
	}
}

func TestBaseURLTurnsOnSecureCookies(t *testing.T) {
	for _, tc := range []struct {
		name       string
		vars       map[string]string
		args       []string
		wantSecure bool
		wantBase   string
		err        string
	}{
		{"nothing set", nil, nil, false, "", ""},
		{"an https base URL", map[string]string{"SHARELINE_BASE_URL": "https://shareline.example.com/"}, nil, true, "https://shareline.example.com", ""},
		{"an https base URL by flag", nil, []string{"--base-url", "https://shareline.example.com:8443"}, true, "https://shareline.example.com:8443", ""},
		{"an http base URL", map[string]string{"SHARELINE_BASE_URL": "http://127.0.0.1:8080"}, nil, false, "http://127.0.0.1:8080", ""},
		{"SHARELINE_SECURE_COOKIES still forces them", map[string]string{"SHARELINE_BASE_URL": "http://127.0.0.1:8080", "SHARELINE_SECURE_COOKIES": "true"}, nil, true, "http://127.0.0.1:8080", ""},
		{"SHARELINE_SECURE_COOKIES alone", map[string]string{"SHARELINE_SECURE_COOKIES": "true"}, nil, true, "", ""},
		{"https cannot be turned off", map[string]string{"SHARELINE_BASE_URL": "https://shareline.example.com", "SHARELINE_SECURE_COOKIES": "false"}, nil, true, "https://shareline.example.com", ""},
		{"not a URL", map[string]string{"SHARELINE_BASE_URL": "shareline.example.com"}, nil, false, "", "SHARELINE_BASE_URL"},
		{"another scheme", map[string]string{"SHARELINE_BASE_URL": "ftp://shareline.example.com"}, nil, false, "", "SHARELINE_BASE_URL"},
		{"a sub-path", map[string]string{"SHARELINE_BASE_URL": "https://example.com/shareline"}, nil, false, "", "SHARELINE_BASE_URL"},
		{"credentials", map[string]string{"SHARELINE_BASE_URL": "https://u:p@example.com"}, nil, false, "", "SHARELINE_BASE_URL"},
	} {
		cfg, err := secServeConfig(t, tc.vars, tc.args...)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got error %v, want one naming %s", tc.name, err, tc.err)
			}
		case err != nil:
			t.Errorf("%s: got error %v, want none", tc.name, err)
		case cfg.SecureCookies != tc.wantSecure || cfg.BaseURL != tc.wantBase:
			t.Errorf("%s: got SecureCookies %v, BaseURL %q; want %v, %q", tc.name, cfg.SecureCookies, cfg.BaseURL, tc.wantSecure, tc.wantBase)
		}
	}
}

// SHARELINE_SMTP_URL turns on the emails of security notices, with SHARELINE_MAIL_FROM as their
// sender; without it there is no email, and a bad URL stops serve before it starts, without
// quoting the password.
func TestMailConfig(t *testing.T) {
	cfg, err := secServeConfig(t, nil)
	if err != nil || cfg.Mail != nil {
		t.Fatalf("nothing set: got %+v, %v; want no mail", cfg.Mail, err)
	}
	cfg, err = secServeConfig(t, map[string]string{"SHARELINE_SMTP_URL": "smtps://shareline:s3cret-relay@mail.example.com", "SHARELINE_MAIL_FROM": "Shareline <shareline@example.com>"})
	if err != nil || cfg.Mail == nil || cfg.Mail.Addr() != "mail.example.com:465" || !cfg.Mail.ImplicitTLS || cfg.Mail.From != "Shareline <shareline@example.com>" {
		t.Fatalf("smtps URL: got %+v, %v", cfg.Mail, err)
	}
	cfg, err = secServeConfig(t, nil, "--smtp-url", "smtp://127.0.0.1:2525", "--mail-from", "shareline@example.com")
	if err != nil || cfg.Mail == nil || cfg.Mail.Addr() != "127.0.0.1:2525" {
		t.Fatalf("flags: got %+v, %v", cfg.Mail, err)
	}
	for _, vars := range []map[string]string{
		{"SHARELINE_SMTP_URL": "smtp://shareline:s3cret-relay@mail.example.com"},
		{"SHARELINE_SMTP_URL": "smtp://shareline:s3cret-relay@mail.example.com?starttls=off", "SHARELINE_MAIL_FROM": "shareline@example.com"},
		{"SHARELINE_SMTP_URL": "imap://shareline:s3cret-relay@mail.example.com", "SHARELINE_MAIL_FROM": "shareline@example.com"},
	} {
		_, err := secServeConfig(t, vars)
		if err == nil || strings.Contains(err.Error(), "s3cret-relay") {
			t.Errorf("%v: got error %v, want one that does not quote the password", vars, err)
		}
	}
}
