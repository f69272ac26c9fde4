package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// parseCORSOrigins reads SHARELINE_CORS_ORIGINS: comma-separated origins, each a scheme and a
// host (and port) with nothing after, as browsers send them in Origin.
func parseCORSOrigins(list string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		u, err := url.Parse(item)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("SHARELINE_CORS_ORIGINS (--cors-origins): %q is not an origin such as https://app.example.com", item)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}

// parseRateLimit reads SHARELINE_API_RATE_LIMIT: requests per minute per API token; empty is
// the default (600), "off" no limit.
func parseRateLimit(s string) (int, error) {
	switch s = strings.TrimSpace(s); s {
	case "":
		return 0, nil
	case "off":
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("SHARELINE_API_RATE_LIMIT (--api-rate-limit): %q is not a number of requests per minute (or off)", s)
	}
	return n, nil
}
