package postgres_test

import (
	"errors"
	"fmt"
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
		{"p.archived_at IS NULL", "p.current_score DESC NULLS LAST, p.name_key, p.id", "providers_current_score_idx"},
		{"p.archived_at IS NULL", "p.name_key, p.id", "providers_name_order_idx"},
		{"p.archived_at IS NOT NULL", "p.current_score DESC NULLS LAST, p.name_key, p.id", "providers_archived_score_idx"},
		{"p.archived_at IS NOT NULL", "p.name_key, p.id", "providers_archived_name_idx"},
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
			if !strings.Contains(text, "Index Only Scan using "+tc.index) || strings.Contains(text, "Sort") {
				t.Errorf("plan:\n%s\nwant an index-only scan of %s and no sort", text, tc.index)
			}
		})
	}
}
