package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestResolveClientAddr(t *testing.T) {
	private := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	v6 := []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/48"), netip.MustParsePrefix("10.0.0.2/32")}
	for _, tc := range []struct {
		name      string
		peer      string
		forwarded []string
		trusted   []netip.Prefix
		want      string
	}{
		{"no proxy trusted: the peer, whatever it says", "203.0.113.9:5555", []string{"198.51.100.7"}, nil, "203.0.113.9"},
		{"an untrusted peer is the client", "203.0.113.9:5555", []string{"198.51.100.7"}, private, "203.0.113.9"},
		{"a trusted peer: the hop it saw", "10.0.0.2:40000", []string{"198.51.100.7"}, private, "198.51.100.7"},
		{"a client-supplied hop on the left is ignored", "10.0.0.2:40000", []string{"6.6.6.6, 198.51.100.7"}, private, "198.51.100.7"},
		{"two trusted proxies are skipped", "10.0.0.2:40000", []string{"6.6.6.6, 198.51.100.7, 10.0.0.3"}, private, "198.51.100.7"},
		{"several header lines read as one list", "10.0.0.2:40000", []string{"6.6.6.6", "198.51.100.7, 10.0.0.3"}, private, "198.51.100.7"},
		{"a trusted peer without the header", "10.0.0.2:40000", nil, private, "10.0.0.2"},
		{"every hop trusted: the farthest one", "10.0.0.2:40000", []string{"10.0.0.5, 10.0.0.3"}, private, "10.0.0.5"},
		{"garbage from the trusted proxy: the last trusted hop", "10.0.0.2:40000", []string{"198.51.100.7, not-an-address"}, private, "10.0.0.2"},
		{"garbage further left is never reached", "10.0.0.2:40000", []string{"<script>, 198.51.100.7"}, private, "198.51.100.7"},
		{"an empty hop counts as garbage", "10.0.0.2:40000", []string{"198.51.100.7, "}, private, "10.0.0.2"},
		{"a hop with a port", "10.0.0.2:40000", []string{"198.51.100.7:4711"}, private, "198.51.100.7"},
		{"a bracketed IPv6 hop with a port", "10.0.0.2:40000", []string{"[2001:db8::7]:443"}, private, "2001:db8::7"},
		{"a bracketed IPv6 hop", "10.0.0.2:40000", []string{"[2001:DB8::7]"}, private, "2001:db8::7"},
		{"an IPv6 hop", "10.0.0.2:40000", []string{" 2001:db8::7 "}, private, "2001:db8::7"},
		{"an IPv4-mapped hop", "10.0.0.2:40000", []string{"::ffff:198.51.100.7"}, private, "198.51.100.7"},
		{"an IPv4-mapped trusted hop is skipped", "10.0.0.2:40000", []string{"198.51.100.7, ::ffff:10.0.0.3"}, private, "198.51.100.7"},
		{"a zoned hop", "10.0.0.2:40000", []string{"fe80::1%eth0"}, private, "fe80::1"},
		{"a loopback proxy over IPv6", "[::1]:5000", []string{"198.51.100.7"}, loopback, "198.51.100.7"},
		{"a loopback proxy over IPv4", "127.0.0.1:5000", []string{"198.51.100.7"}, loopback, "198.51.100.7"},
		{"an IPv4-mapped peer in a trusted range", "[::ffff:10.0.0.2]:80", []string{"198.51.100.7"}, private, "198.51.100.7"},
		{"IPv6 ranges", "[2001:db8:1::5]:80", []string{"198.51.100.7, 2001:db8:1::6"}, v6, "198.51.100.7"},
		{"a single trusted address, not its neighbours", "10.0.0.3:80", []string{"198.51.100.7"}, v6, "10.0.0.3"},
		{"a peer without a port", "10.0.0.2", []string{"198.51.100.7"}, private, "198.51.100.7"},
		{"an unparsable peer is kept as it is", "pipe", []string{"198.51.100.7"}, private, "pipe"},
	} {
		if got := resolveClientAddr(tc.peer, tc.forwarded, tc.trusted); got != tc.want {
			t.Errorf("%s: resolveClientAddr(%q, %q) = %q, want %q", tc.name, tc.peer, tc.forwarded, got, tc.want)
		}
	}
}

// The server reads X-Forwarded-For only from its trusted proxies, and never X-Real-IP or
// True-Client-IP, which any client can send.
func TestClientAddrThroughTheServer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		header  http.Header
		want    string
	}{
		{"untrusted peer", nil, "203.0.113.9:1", http.Header{"X-Forwarded-For": {"198.51.100.7"}, "X-Real-Ip": {"7.7.7.7"}}, "203.0.113.9"},
		{"trusted peer", []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, "203.0.113.9:1",
			http.Header{"X-Forwarded-For": {"6.6.6.6, 198.51.100.7"}, "X-Real-Ip": {"7.7.7.7"}, "True-Client-Ip": {"8.8.8.8"}}, "198.51.100.7"},
		{"trusted peer, only X-Real-IP", []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}, "203.0.113.9:1",
			http.Header{"X-Real-Ip": {"7.7.7.7"}, "True-Client-Ip": {"8.8.8.8"}}, "203.0.113.9"},
	} {
		s := New(Options{TrustedProxies: tc.trusted})
		var got, remote string
		h := s.logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, remote = clientAddr(r), r.RemoteAddr
		}))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tc.peer
		req.Header = tc.header
		h.ServeHTTP(httptest.NewRecorder(), req)
		if got != tc.want {
			t.Errorf("%s: clientAddr = %q, want %q", tc.name, got, tc.want)
		}
		if remote != tc.peer {
			t.Errorf("%s: RemoteAddr rewritten to %q, want the peer %q left alone", tc.name, remote, tc.peer)
		}
	}
	// Without the server's middleware (a handler used on its own), the peer.
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "203.0.113.9:1"
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	if got := clientAddr(req); got != "203.0.113.9" {
		t.Errorf("clientAddr without the middleware = %q, want the peer", got)
	}
}
