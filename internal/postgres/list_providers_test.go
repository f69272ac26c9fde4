package postgres_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/app"
	"shareline/internal/assess"
)

func (f fixture) list(t *testing.T, q assess.ProviderQuery) assess.ProviderPage {
	t.Helper()
	var page assess.ProviderPage
	f.read(t, func(tx app.Tx) error {
		var err error
		page, err = tx.Providers().List(t.Context(), q)
		return err
	})
	return page
}

func TestListProvidersSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, name := range []string{
		"100% Cloud", "1000 Cloud", "A_B Cloud", "AxB Cloud", `Back\slash Cloud`, "Backslash Cloud",
		"Nordić Cloud Ünited", "Облачные Системы",
	} {
		f.createProvider(t, name, assess.SaaS)
	}

	for _, tc := range []struct {
		name, search string
		want         []string
	}{
		{"percent is literal", "100%", []string{"100% Cloud"}},
		{"a lone percent matches only names with one", "%", []string{"100% Cloud"}},
		{"underscore is literal", "_", []string{"A_B Cloud"}},
		{"underscore inside a word is literal", "a_b", []string{"A_B Cloud"}},
		{"backslash is literal", `\`, []string{`Back\slash Cloud`}},
		{"substring matches several", "100", []string{"100% Cloud", "1000 Cloud"}},
		{"any case matches", "CLOUD", []string{"100% Cloud", "1000 Cloud", "A_B Cloud", "AxB Cloud",
			`Back\slash Cloud`, "Backslash Cloud", "Nordić Cloud Ünited"}},
		{"Cyrillic in another case matches", "облачные", []string{"Облачные Системы"}},
		{"accented letters in another case match", "ÜNITED", []string{"Nordić Cloud Ünited"}},
		{"surrounding spaces are ignored", "  1000  ", []string{"1000 Cloud"}},
		{"no match gives an empty page", "nothing like this", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := f.list(t, assess.ProviderQuery{Search: tc.search})
			// Order is another test's business; the order of punctuation depends on the collation.
			got := names(page)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tc.search, diff)
			}
			if page.Total != len(tc.want) {
				t.Errorf("search %q: got Total %d, want %d", tc.search, page.Total, len(tc.want))
			}
		})
	}
}

func TestListProvidersSortByName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, name := range []string{"charlie", "Delta", "Alpha", "echo", "beta"} {
		f.createProvider(t, name, assess.SaaS)
	}
	want := []string{"Alpha", "beta", "charlie", "Delta", "echo"}
	for _, sort := range []assess.ProviderSort{assess.SortByName, ""} {
		t.Run(fmt.Sprintf("sort %q ignores case", sort), func(t *testing.T) {
			if diff := cmp.Diff(want, names(f.list(t, assess.ProviderQuery{Sort: sort}))); diff != "" {
				t.Errorf("providers by name (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListProvidersSortByScore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	done := time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)
	completed := func(name string, n int) assess.Provider {
		p := f.createProvider(t, name, assess.SaaS)
		f.evaluate(t, p, assess.EvaluationCompleted, done, abuse[:n]...)
		return p
	}
	completed("Zeta", 4) // 20
	completed("Mu", 2)   // 10
	completed("gamma", 1)
	completed("Alpha", 1) // 5 each: ties by name
	// A draft scores, but a provider is scored by its current, completed evaluation only.
	omega := completed("Omega", 0) // completed with nothing that counts: not assessed
	f.evaluate(t, omega, assess.EvaluationDraft, time.Time{}, abuse...)
	drafting := f.createProvider(t, "Drafting", assess.SaaS)
	f.evaluate(t, drafting, assess.EvaluationDraft, time.Time{}, abuse...) // 20, but a draft
	// Reassessed: a newer completed evaluation replaces the older one's score.
	twice := completed("Twice", 4)
	f.evaluate(t, twice, assess.EvaluationCompleted, done.Add(time.Hour), abuse[:3]...) // 15
	// Never evaluated.
	f.createProvider(t, "Kappa", assess.SaaS)
	f.createProvider(t, "beta", assess.SaaS)

	want := []string{"Zeta", "Twice", "Mu", "Alpha", "gamma", "beta", "Drafting", "Kappa", "Omega"}
	wantScore := map[string]float64{"Zeta": 20, "Twice": 15, "Mu": 10, "Alpha": 5, "gamma": 5}

	t.Run("best current score first, ties by name, not assessed last by name", func(t *testing.T) {
		page := f.list(t, assess.ProviderQuery{Sort: assess.SortByScore})
		if diff := cmp.Diff(want, names(page)); diff != "" {
			t.Errorf("providers by score (-want +got):\n%s", diff)
		}
		for _, p := range page.Providers {
			score, assessed := wantScore[p.Name]
			switch {
			case assessed && p.Current == nil:
				t.Errorf("%s: got Current nil, want an evaluation scoring %v", p.Name, score)
			case assessed && assess.Round1(p.Current.Score.Overall) != score:
				t.Errorf("%s: got current score %v, want %v", p.Name, p.Current.Score.Overall, score)
			case !assessed && p.Current != nil && p.Current.Score.Assessed():
				t.Errorf("%s: got an assessed Current %+v, want none", p.Name, p.Current.Score)
			}
		}
	})

	t.Run("pages by score add up to the whole list", func(t *testing.T) {
		var got []string
		for offset := 0; offset < len(want)+2; offset += 2 {
			page := f.list(t, assess.ProviderQuery{Sort: assess.SortByScore, Limit: 2, Offset: offset})
			if page.Total != len(want) {
				t.Errorf("offset %d: got Total %d, want %d", offset, page.Total, len(want))
			}
			got = append(got, names(page)...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages of 2 by score, joined (-want +got):\n%s", diff)
		}
	})
}

func TestListProvidersPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var all []string
	for i := 1; i <= 7; i++ {
		name := fmt.Sprintf("Page %02d", i)
		f.createProvider(t, name, assess.SaaS)
		all = append(all, name)
	}
	f.createProvider(t, "Unrelated", assess.SaaS)

	for _, tc := range []struct {
		offset int
		want   []string
	}{
		{0, all[0:3]},
		{3, all[3:6]},
		{6, all[6:7]},
		{7, nil},
		{9, nil},
		{1000, nil},
	} {
		t.Run(fmt.Sprintf("limit 3 offset %d counts every match", tc.offset), func(t *testing.T) {
			page := f.list(t, assess.ProviderQuery{Search: "page", Limit: 3, Offset: tc.offset})
			if diff := cmp.Diff(tc.want, names(page), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if page.Total != 7 {
				t.Errorf("Total: got %d, want 7 (the providers matching \"page\")", page.Total)
			}
		})
	}

	t.Run("without a search Total counts every provider, past the end too", func(t *testing.T) {
		for _, offset := range []int{0, 5, 8, 50} {
			if page := f.list(t, assess.ProviderQuery{Limit: 5, Offset: offset}); page.Total != 8 {
				t.Errorf("offset %d: got Total %d, want 8", offset, page.Total)
			}
		}
	})

	t.Run("limit 0 is the default page, and 500 is allowed", func(t *testing.T) {
		for _, limit := range []int{0, assess.MaxPageSize} {
			page := f.list(t, assess.ProviderQuery{Limit: limit})
			if len(page.Providers) != 8 || page.Total != 8 {
				t.Errorf("limit %d: got %d providers, Total %d; want 8 and 8", limit, len(page.Providers), page.Total)
			}
		}
	})
}

func TestListProvidersCurrentAndDraft(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	never := f.createProvider(t, "Never Evaluated", assess.SaaS)
	both := f.createProvider(t, "Completed And Drafting", assess.IaaS)
	older := f.evaluate(t, both, assess.EvaluationCompleted, time.Now().Add(-time.Hour), abuse[:1]...)
	current := f.evaluate(t, both, assess.EvaluationCompleted, time.Now(), abuse[:2]...)
	draft := f.evaluate(t, both, assess.EvaluationDraft, time.Time{}, abuse[:3]...)
	onlyDraft := f.createProvider(t, "Only Drafting", assess.PaaS)
	lone := f.evaluate(t, onlyDraft, assess.EvaluationDraft, time.Time{})

	listing := map[int64]assess.ProviderListing{}
	for _, l := range f.list(t, assess.ProviderQuery{}).Providers {
		listing[l.ID] = l
	}
	// A listing carries the heads of the evaluations and their stored figures, as Find returns
	// them, without per-question scores (a page shows none; exports read All) and answers.
	wantHead := func(t *testing.T, what string, want assess.Evaluation, got *assess.Evaluation) {
		t.Helper()
		if got == nil {
			t.Fatalf("%s: got nil, want evaluation %d", what, want.ID)
		}
		if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(assess.Score{}, "Questions")); diff != "" {
			t.Errorf("%s (-want Find +got):\n%s", what, diff)
		}
		if len(want.Score.Questions) == 0 || len(got.Score.Questions) != 0 {
			t.Errorf("%s: got %d question scores (Find has %d), want none in a page", what, len(got.Score.Questions), len(want.Score.Questions))
		}
	}

	t.Run("none for a provider never evaluated", func(t *testing.T) {
		l := listing[never.ID]
		if l.Current != nil || l.Draft != nil {
			t.Errorf("got Current %v, Draft %v; want nil and nil", l.Current, l.Draft)
		}
	})

	t.Run("the latest completed evaluation and the draft", func(t *testing.T) {
		l := listing[both.ID]
		wantHead(t, "Current", current, l.Current)
		wantHead(t, "Draft", draft, l.Draft)
		if l.Current != nil && l.Current.ID == older.ID {
			t.Errorf("Current: got the older completed evaluation %d", older.ID)
		}
		if l.Current != nil && l.Current.Score.Overall != 10 {
			t.Errorf("Current score: got %v, want 10", l.Current.Score.Overall)
		}
	})

	t.Run("a draft alone", func(t *testing.T) {
		l := listing[onlyDraft.ID]
		if l.Current != nil {
			t.Errorf("Current: got %+v, want nil", *l.Current)
		}
		wantHead(t, "Draft", lone, l.Draft)
	})
}

func TestListProvidersRefusesInvalidQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.createProvider(t, "Acme Cloud", assess.SaaS)
	for _, tc := range []struct {
		name  string
		q     assess.ProviderQuery
		field string
	}{
		{"limit above 500", assess.ProviderQuery{Limit: 501}, "limit"},
		{"negative limit", assess.ProviderQuery{Limit: -1}, "limit"},
		{"unknown sort", assess.ProviderQuery{Sort: "x"}, "sort"},
		{"negative offset", assess.ProviderQuery{Offset: -1}, "offset"},
		{"search over two lines", assess.ProviderQuery{Search: "acme\ncloud"}, "q"},
		{"search too long", assess.ProviderQuery{Search: strings.Repeat("a", 201)}, "q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.store.Read(t.Context(), func(tx app.Tx) error {
				_, err := tx.Providers().List(t.Context(), tc.q)
				return err
			})
			var ve *assess.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("List(%+v): got error %v (%T), want a *assess.ValidationError", tc.q, err, err)
			}
			if _, ok := ve.Fields[tc.field]; !ok {
				t.Errorf("fields: got %v, want %q among them", ve.Fields, tc.field)
			}
		})
	}
}

// The page's ids are read from the index that matches each order, without sorting: for the
// providers not archived (the list's condition, the partial indexes' predicate) and for the
// archived ones.
func TestListProvidersOrdersByIndex(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.pool.Exec(t.Context(), `
		INSERT INTO providers (name, service_model, current_score, archived_at)
		SELECT 'Provider ' || i, 'saas', CASE WHEN i % 3 = 0 THEN NULL ELSE i % 100 END,
			CASE WHEN i % 2 = 0 THEN now() END
		FROM generate_series(1, 6000) AS i;
		ANALYZE providers`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ where, order, index string }{
		{"p.archived_at IS NULL", "p.score_order, p.name_key, p.id", "providers_current_score_idx"},
		{"p.archived_at IS NULL", "p.name_key, p.id", "providers_name_order_idx"},
		{"p.archived_at IS NOT NULL", "p.score_order, p.name_key, p.id", "providers_archived_score_idx"},
		{"p.archived_at IS NOT NULL", "p.name_key, p.id", "providers_archived_name_idx"},
		// A page after a key starts there in the index, by an index condition.
		{"p.archived_at IS NULL AND (p.score_order, p.name_key, p.id) > (-50, 'provider 1', 1)", "p.score_order, p.name_key, p.id", "providers_current_score_idx"},
		{"p.archived_at IS NULL AND (p.name_key, p.id) < ('provider 5', 1)", "p.name_key DESC, p.id DESC", "providers_name_order_idx"},
	} {
		t.Run(tc.where+" "+tc.order, func(t *testing.T) {
			rows, _ := f.pool.Query(t.Context(), `EXPLAIN SELECT p.id FROM providers AS p WHERE `+tc.where+` ORDER BY `+tc.order+` LIMIT 50 OFFSET 1000`)
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, line)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			scan := "Index Only Scan using "
			if strings.Contains(tc.order, "DESC") {
				scan = "Index Only Scan Backward using "
			}
			if !strings.Contains(text, scan+tc.index) || strings.Contains(text, "Sort") {
				t.Errorf("plan:\n%s\nwant an index-only scan of %s and no sort", text, tc.index)
			}
		})
	}
}

// TestListProvidersPagesByKey walks lists through their Next and Previous keys, as the page's
// links do, and finds the pages that offsets give: for both sorts (scores tied, and missing),
// with and without a search, and for a search matching more providers than are sorted in memory
// (searchSortLimit) as well as one matching a few.
func TestListProvidersPagesByKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.pool.Exec(t.Context(), `
		INSERT INTO providers (name, service_model, current_score)
		SELECT CASE WHEN i % 7 = 0 THEN 'Sparse ' ELSE 'Dense ' END || (i % 40) || CASE WHEN i % 2 = 0 THEN ' Ab' ELSE ' ab' END || i,
			'saas', CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 4) * 10 END
		FROM generate_series(1, 6100) AS i;
		ANALYZE providers`)
	if err != nil {
		t.Fatal(err)
	}
	all := func(t *testing.T, q assess.ProviderQuery) []string {
		t.Helper()
		var got []string
		for q.Offset, q.Limit = 0, assess.MaxPageSize; ; q.Offset += q.Limit {
			page := f.list(t, q)
			got = append(got, names(page)...)
			if len(page.Providers) < q.Limit {
				return got
			}
		}
	}
	for _, tc := range []struct {
		name  string
		query assess.ProviderQuery
		want  int
	}{
		{"by name", assess.ProviderQuery{}, 6100},
		{"by score", assess.ProviderQuery{Sort: assess.SortByScore}, 6100},
		{"a search matching thousands, by name", assess.ProviderQuery{Search: "dense"}, 5229},
		{"a search matching thousands, by score", assess.ProviderQuery{Search: "dense", Sort: assess.SortByScore}, 5229},
		{"a search matching hundreds, by name", assess.ProviderQuery{Search: "sparse 1"}, 0},
		{"a search matching hundreds, by score", assess.ProviderQuery{Search: "sparse 1", Sort: assess.SortByScore}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := all(t, tc.query)
			if tc.want != 0 && len(want) != tc.want {
				t.Fatalf("pages by offset: got %d providers, want %d", len(want), tc.want)
			}
			if len(want) < 40 {
				t.Fatalf("pages by offset: got %d providers, want more to page through", len(want))
			}
			// Forward through Next keys, as the links carry them.
			q := tc.query
			q.Limit = 37
			var got []string
			var pages []assess.ProviderPage
			for {
				page := f.list(t, q)
				if page.Total != len(want) {
					t.Fatalf("offset %d: got Total %d, want %d", q.Offset, page.Total, len(want))
				}
				pages = append(pages, page)
				got = append(got, names(page)...)
				if q.Offset+len(page.Providers) >= page.Total {
					break
				}
				q.Offset, q.After, q.Before = q.Offset+q.Limit, &page.Last, nil
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("pages through Next keys, joined (-want +got):\n%s", diff)
			}
			// Back through Previous keys: each page is the one before it.
			for i := len(pages) - 1; i > 0; i-- {
				back := tc.query
				back.Limit, back.Before = 37, &pages[i].First
				if diff := cmp.Diff(names(pages[i-1]), names(f.list(t, back))); diff != "" {
					t.Fatalf("the page before page %d (-want +got):\n%s", i+1, diff)
				}
			}
		})
	}
}

func TestListKeyRoundTripsAndRefusesForgeries(t *testing.T) {
	t.Parallel()
	for _, k := range []assess.ListKey{{Score: math.Inf(1), Name: "acme | cloud", ID: 7}, {Score: -42.5, Name: "", ID: 1}, {Name: "облако", ID: 1 << 40}} {
		got, err := assess.ParseListKey(k.String())
		if err != nil || got != k {
			t.Errorf("ParseListKey(%v.String()): got %v, %v; want the key back", k, got, err)
		}
	}
	for _, bad := range []string{"", "!!", "MTIz", base64.RawURLEncoding.EncodeToString([]byte("0|1|x")),
		base64.RawURLEncoding.EncodeToString([]byte("1|NaN|x")), base64.RawURLEncoding.EncodeToString([]byte("1|x|y")),
		base64.RawURLEncoding.EncodeToString([]byte("1|2|\xff"))} {
		if k, err := assess.ParseListKey(bad); err == nil {
			t.Errorf("ParseListKey(%q): got %v, want an error", bad, k)
		}
	}
}
