// Package e2e holds end-to-end tests: the real server on a free port, a real PostgreSQL database,
// and Debian's Chromium driven by chromedp. It has no code of its own.
package e2e
