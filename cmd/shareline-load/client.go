package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client sends requests to the server, as signed-in browsers (session cookies) for pages and
// with the API token, when there is one, for the API.
type client struct {
	base     string
	http     *http.Client
	token    string   // API token; empty means the API is called with a session cookie
	sessions []string // session cookies, "name=value", one per simulated person; none when not signed in
}

func newClient(base string, clients int) *client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = 4 * clients
	transport.MaxIdleConnsPerHost = 4 * clients
	return &client{
		base: strings.TrimRight(base, "/"),
		http: &http.Client{
			Transport: transport,
			Timeout:   2 * time.Minute,
			// A redirect is an answer to measure (a page that sends the client to sign in is
			// an error), not something to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// signIn signs in n times, as n people would, and keeps each session cookie: the server
// writes a session on every request, and one shared session would make every client wait
// for the same row.
func (c *client) signIn(ctx context.Context, email, password string, n int) error {
	for range n {
		cookie, err := c.signInOnce(ctx, email, password)
		if err != nil {
			return err
		}
		c.sessions = append(c.sessions, cookie)
	}
	return nil
}

// signInOnce posts the sign-in form and returns the session cookie.
func (c *client) signInOnce(ctx context.Context, email, password string) (string, error) {
	form := url.Values{"email": {email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in as %s: got %s, want 303 See Other (check --email and --password)", email, resp.Status)
	}
	for _, ck := range resp.Cookies() {
		if ck.Value != "" {
			return ck.Name + "=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("sign in as %s: the server set no session cookie", email)
}

// request builds the i-th request of a scenario to path, authenticated for a page (with one
// of the sessions, in turn) or for the API.
func (c *client) request(ctx context.Context, i int, method, path string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else if len(c.sessions) > 0 {
		req.Header.Set("Cookie", c.sessions[i%len(c.sessions)])
	}
	return req, nil
}

// do sends a request and reads the whole answer; anything but a 2xx status is an error.
func (c *client) do(req *http.Request) (int64, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		n, _ := io.Copy(io.Discard, resp.Body)
		return int64(len(head)) + n, fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.RequestURI(), resp.Status, oneLine(string(head)))
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return n, fmt.Errorf("%s %s: reading the body: %w", req.Method, req.URL.RequestURI(), err)
	}
	return n, nil
}

// getJSON fetches an API resource into v.
func (c *client) getJSON(ctx context.Context, path string, v any) error {
	req, err := c.request(ctx, 0, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, oneLine(string(head)))
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
