package main

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"shareline/internal/assess"
)

// maxDiscovered bounds how many providers the tool reads before it starts.
const maxDiscovered = 2000

// evaluated is a provider with an evaluation, as the API lists it: its current (completed) one
// when it has one, else its draft.
type evaluated struct {
	providerID   string
	evaluationID string
	name         string
	model        assess.ServiceModel
}

// catalog is what the tool learns about the data before it sends load.
type catalog struct {
	total     int         // providers in all
	evaluated []evaluated // providers with an evaluation, up to maxDiscovered
	drafts    []evaluated // providers with a draft, which saves go to (evaluationID is the draft)
	fragments []string    // parts of names to search for
	deepAfter string      // the key of the deep page's Next link from the page before it
}

type evaluationRef struct {
	ID string `json:"id"`
}

type providerPage struct {
	Providers []struct {
		ID                string         `json:"id"`
		Name              string         `json:"name"`
		ServiceModel      string         `json:"service_model"`
		CurrentEvaluation *evaluationRef `json:"current_evaluation"`
		DraftEvaluation   *evaluationRef `json:"draft_evaluation"`
	} `json:"providers"`
	Total     int    `json:"total"`
	NextAfter string `json:"next_after"`
}

// discover lists providers through the API and keeps those with an evaluation, and those with
// a draft (only a draft takes saves).
func discover(ctx context.Context, c *client) (catalog, error) {
	var cat catalog
	for offset := 0; offset < maxDiscovered; offset += assess.MaxPageSize {
		var page providerPage
		if err := c.getJSON(ctx, fmt.Sprintf("/api/v1/providers?limit=%d&offset=%d", assess.MaxPageSize, offset), &page); err != nil {
			return cat, fmt.Errorf("discover providers: %w", err)
		}
		cat.total = page.Total
		for _, p := range page.Providers {
			model := assess.ServiceModel(p.ServiceModel)
			switch {
			case p.CurrentEvaluation != nil:
				cat.evaluated = append(cat.evaluated, evaluated{p.ID, p.CurrentEvaluation.ID, p.Name, model})
			case p.DraftEvaluation != nil:
				cat.evaluated = append(cat.evaluated, evaluated{p.ID, p.DraftEvaluation.ID, p.Name, model})
			}
			if p.DraftEvaluation != nil {
				cat.drafts = append(cat.drafts, evaluated{p.ID, p.DraftEvaluation.ID, p.Name, model})
			}
		}
		if len(page.Providers) < assess.MaxPageSize {
			break
		}
	}
	if len(cat.evaluated) < 20 {
		return cat, fmt.Errorf("discover providers: found %d with an evaluation among %d, want at least 20 (load some with `shareline demo`)", len(cat.evaluated), cat.total)
	}
	if len(cat.drafts) < 20 {
		return cat, fmt.Errorf("discover providers: found %d with a draft among %d, want at least 20 to save answers to (load some with `shareline demo`)", len(cat.drafts), cat.total)
	}
	cat.fragments = nameFragments(cat.evaluated)
	// The deep page as a person reaches it: through the Next link of the page before it.
	var before providerPage
	if err := c.getJSON(ctx, fmt.Sprintf("/api/v1/providers?sort=score&limit=%d&offset=%d", assess.DefaultPageSize, max(cat.deepOffset()-assess.DefaultPageSize, 0)), &before); err != nil {
		return cat, fmt.Errorf("discover the deep page: %w", err)
	}
	if before.NextAfter == "" {
		return cat, fmt.Errorf("discover the deep page: the page before it gave no next_after")
	}
	cat.deepAfter = before.NextAfter
	return cat, nil
}

// nameFragments picks a few words from names, shortened, to search for as a person would.
func nameFragments(list []evaluated) []string {
	seen := map[string]bool{}
	var out []string
	for i := 0; i < len(list) && len(out) < 8; i += 1 + len(list)/16 {
		word, _, _ := strings.Cut(list[i].name, " ")
		if utf8.RuneCountInString(word) < 4 {
			continue
		}
		frag := strings.ToLower(string([]rune(word)[:4]))
		if !seen[frag] {
			seen[frag] = true
			out = append(out, frag)
		}
	}
	if len(out) == 0 {
		out = append(out, "clo")
	}
	return out
}

// deepOffset is a page three quarters down the list, on a page boundary.
func (cat catalog) deepOffset() int {
	return cat.total * 3 / 4 / assess.DefaultPageSize * assess.DefaultPageSize
}

// compareIDs is the i-th window of n provider ids, all with an evaluation.
func (cat catalog) compareIDs(i, n int) string {
	ids := make([]string, 0, n)
	start := i * n
	for k := range n {
		ids = append(ids, cat.evaluated[(start+k)%len(cat.evaluated)].providerID)
	}
	return strings.Join(ids, ",")
}
