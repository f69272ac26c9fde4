package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	usecase "shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

// Providers ticked for comparison stay ticked across pages: tick one on the first page, one on
// the second, and the comparison gets both.
func TestBrowserCompareSelectionSurvivesPaging(t *testing.T) {
	a := appServer(t)
	ctx := browser(t)
	a.signIn(t, ctx, auth.Viewer)
	var ids []string
	for _, name := range []string{"Alpha Cloud", "Beta Cloud", "Gamma Cloud"} {
		p, err := a.uc.CreateProvider(context.Background(), usecase.CommandLine(), assess.ProviderInput{Name: name, ServiceModel: "saas"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strconv.FormatInt(p.ID, 10))
	}
	run(t, ctx, "tick the first provider and go to the next page",
		chromedp.Navigate(a.url+"/providers?limit=1"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=compare-pick]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=compare-pick]`)),
	)
	waitText(t, ctx, `[data-testid=compare-count]`, "1 provider ticked: tick at least one more to compare.")
	run(t, ctx, "next page",
		chromedp.Click(chromedp.CSS(`.pager a[rel=next]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=compare-pick]`)),
	)
	if got := text(t, ctx, `[data-testid=provider-name]`); got != "Beta Cloud" {
		t.Fatalf("second page: got %q, want Beta Cloud", got)
	}
	run(t, ctx, "tick the second and compare",
		chromedp.Click(chromedp.CSS(`[data-testid=compare-pick]`)),
	)
	waitText(t, ctx, `[data-testid=compare-count]`, "2 providers ticked.")
	run(t, ctx, "compare", chromedp.Click(chromedp.CSS(`[data-testid=compare-selected]`)), chromedp.WaitReady(chromedp.CSS(`body`)))
	waitFor(t, "the comparison opens", func() bool {
		return strings.HasPrefix(eval[string](t, ctx, `location.pathname`), "/compare")
	}, func() string { return eval[string](t, ctx, `location.href`) })
	query := eval[string](t, ctx, `location.search`)
	for _, id := range ids[:2] {
		if !strings.Contains(query, "ids="+id) {
			t.Errorf("the comparison's URL %q does not carry provider %s", query, id)
		}
	}
	if strings.Contains(query, "ids="+ids[2]+"&") || strings.HasSuffix(query, "ids="+ids[2]) {
		t.Errorf("the comparison's URL %q carries a provider never ticked", query)
	}
}
