package fit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"shareline/internal/importer/fit"
)

func TestKey(t *testing.T) {
	long := strings.Repeat("network_vpn_auth_", 6)
	tests := []struct{ id, want string }{
		{"application_ssl_exclusively", "application_ssl_exclusively"},
		{"urn:intuitem:risk:req_node:example:1.2", "urn_intuitem_risk_req_node_example_1_2"},
		{"  Data Handling / Storage ", "data_handling_storage"},
		{"2fa", "k2fa"},
		{"ÉtÉ", "t"},
		{"***", "fallback"},
	}
	for _, tt := range tests {
		if got := fit.Key(tt.id, "fallback"); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
	a, b := fit.Key(long+"a", "x"), fit.Key(long+"b", "x")
	if len(a) > fit.MaxKey || len(b) > fit.MaxKey || a == b {
		t.Errorf("long ids: %q and %q, want two different keys of at most %d", a, b, fit.MaxKey)
	}
}

func TestKeysAreUnique(t *testing.T) {
	var k fit.Keys
	got := []string{k.Unique("a b", "x"), k.Unique("a-b", "x"), k.Unique("a_b", "x"), k.Unique("a_b", "x")}
	want := []string{"a_b", "a-b", "a_b_2", "a_b_3"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Unique #%d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestPlainAndLabel(t *testing.T) {
	got := fit.Plain("Use <code>https://</code> &amp; <a href='x'>HSTS</a>.<p>Second\tparagraph</p>")
	if want := "Use https:// & HSTS.\n\nSecond paragraph"; got != want {
		t.Errorf("Plain = %q, want %q", got, want)
	}
	text := strings.Repeat("word ", 100)
	label, rest := fit.Label(text)
	if n := utf8.RuneCountInString(label); n > fit.MaxLabel || !strings.HasSuffix(label, "…") || rest != text {
		t.Errorf("Label of a long text: %d characters %q, rest %d, want at most %d ending in … with the whole text as rest", n, label, len(rest), fit.MaxLabel)
	}
	if label, rest := fit.Label("Short\nlabel"); label != "Short label" || rest != "" {
		t.Errorf("Label(short) = %q, %q", label, rest)
	}
}

func TestBrief(t *testing.T) {
	if got := fit.Brief("a  b\nc", 10); got != "a b c" {
		t.Errorf("Brief of a short text = %q, want it on one line", got)
	}
	if got := fit.Brief(strings.Repeat("x", 100), 10); got != strings.Repeat("x", 9)+"…" {
		t.Errorf("Brief of a long text = %q, want 9 characters and …", got)
	}
	if got := fit.Brief("bad \xff byte", 20); got != "bad \uFFFD byte" {
		t.Errorf("Brief of invalid UTF-8 = %q", got)
	}
}
