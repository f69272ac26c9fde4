package templates

import (
	"context"

	"github.com/a-h/templ"
)

type pdfStatusKey struct{}

// WithPDFUnavailable records in ctx why PDFs cannot be made (no Chromium on the server), so
// that the report and compare pages say so in place of their PDF links; the other formats
// are offered as usual.
func WithPDFUnavailable(ctx context.Context, reason string) context.Context {
	return context.WithValue(ctx, pdfStatusKey{}, reason)
}

// pdfUnavailable is why PDFs cannot be made, or "" when they can.
func pdfUnavailable(ctx context.Context) string {
	reason, _ := ctx.Value(pdfStatusKey{}).(string)
	return reason
}

// pdfHref is a PDF download's address.
func pdfHref(href string) templ.SafeURL { return templ.URL(href) }
