package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client address is what the sign-in limits count, the audit log records and the request
// log shows, so a client must not be able to choose it. It is the peer's address, unless the
// peer is one of Options.TrustedProxies: then X-Forwarded-For is read from the right (the end
// the proxies append to), skipping every hop in a trusted range, and the first hop outside them
// is the client. Whatever stands to the left of that hop was written by the client and is never
// read, and neither are X-Real-IP and True-Client-IP, which anyone can send.

type clientAddrKey struct{}

// clientAddr is the client's IP address, as withClientAddr found it for this request (the
// peer's address when the request did not pass through the server's middleware).
func clientAddr(r *http.Request) string {
	if addr, ok := r.Context().Value(clientAddrKey{}).(string); ok {
		return addr
	}
	return peerHost(r.RemoteAddr)
}

// withClientAddr resolves the request's client address once, for every later clientAddr. It
// leaves r.RemoteAddr alone: that stays the peer.
func (s *Server) withClientAddr(r *http.Request) *http.Request {
	addr := resolveClientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.trustedProxies)
	return r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr))
}

// resolveClientAddr is the client address of a request from peer (host:port, as in
// http.Request.RemoteAddr) carrying the X-Forwarded-For header lines forwarded.
func resolveClientAddr(peer string, forwarded []string, trusted []netip.Prefix) string {
	host := peerHost(peer)
	addr, ok := parseHop(host)
	if !ok || !inRanges(addr, trusted) {
		return host
	}
	// Several header lines are one list, in order.
	hops := strings.Split(strings.Join(forwarded, ","), ",")
	client := addr.String()
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			// A trusted proxy wrote something that is no address: stop at the last hop it
			// vouched for rather than guess.
			return client
		}
		client = hop.String()
		if !inRanges(hop, trusted) {
			return client
		}
	}
	// Every hop is trusted: the request started inside the trusted network, at the farthest.
	return client
}

// peerHost is the host part of a host:port address, or the address itself when it has no port.
func peerHost(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// parseHop reads one X-Forwarded-For entry: an IPv4 or IPv6 address, perhaps bracketed, perhaps
// with a port (some proxies add one). IPv4-mapped IPv6 addresses count as IPv4; zones are dropped.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		switch {
		case perr == nil:
			addr, err = ap.Addr(), nil
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			addr, err = netip.ParseAddr(s[1 : len(s)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap().WithZone(""), true
}

func inRanges(addr netip.Addr, ranges []netip.Prefix) bool {
	for _, p := range ranges {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
