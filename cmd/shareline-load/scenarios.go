package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// What a scenario needs before it can run.
const (
	needsAPI      = "api"      // a token or a session
	needsSession  = "session"  // a signed-in session: pages
	needsDatabase = "database" // --database-url: the write floor
)

// scenario is one kind of load.
type scenario struct {
	name     string
	needs    string
	requests int // a fixed number of operations whatever the run's plan (0: the run's plan)
	clients  int // a fixed concurrency (0: the run's)
	op       op
	// open, when set, sets up a floor at a concurrency and returns its operation and what
	// tears it down.
	open func(ctx context.Context, clients int) (op, func() error, error)
}

// floorScenarios are the floors, measured first: the durable one-row write on the server's
// database, and the HTTP write and read on the server's stack.
func floorScenarios(cfg config, c *client, cat catalog, saves *answerMaker) []scenario {
	openHTTP := func(pageSize func(ctx context.Context) int, o func(f *httpFloor) op) func(context.Context, int) (op, func() error, error) {
		return func(ctx context.Context, _ int) (op, func() error, error) {
			f, err := openHTTPFloor(ctx, cfg.databaseURL, pageSize(ctx))
			if err != nil {
				return nil, nil, err
			}
			return o(f), f.close, nil
		}
	}
	return []scenario{
		{name: "write-floor", needs: needsDatabase, open: func(ctx context.Context, clients int) (op, func() error, error) {
			f, err := openFloor(ctx, cfg.databaseURL, clients)
			if err != nil {
				return nil, nil, err
			}
			return f.insert, f.close, nil
		}},
		{name: "http-write-floor", needs: needsDatabase, open: openHTTP(
			func(context.Context) int { return 0 },
			func(f *httpFloor) op { return f.writeOp(c, saves) })},
		{name: "http-read-floor", needs: needsDatabase, open: openHTTP(
			func(ctx context.Context) int { return evaluationPageSize(ctx, c, cat) },
			func(f *httpFloor) op { return f.readOp(c) })},
	}
}

// defaultPageSize is the evaluation page's size when it cannot be fetched (no session).
const defaultPageSize = 51 << 10

// evaluationPageSize fetches one evaluation page and returns its size, for the read floor.
func evaluationPageSize(ctx context.Context, c *client, cat catalog) int {
	if len(c.sessions) == 0 {
		return defaultPageSize
	}
	req, err := c.request(ctx, 0, http.MethodGet, "/evaluations/"+cat.evaluated[0].evaluationID, nil)
	if err != nil {
		return defaultPageSize
	}
	n, err := c.do(req)
	if err != nil || n == 0 {
		return defaultPageSize
	}
	return int(n)
}

// compareSize is how many providers the comparison page compares.
const compareSize = 20

// httpScenarios lists the scenarios that drive the server, in the order they run.
func httpScenarios(c *client, cat catalog, saves *answerMaker, csvRequests int) []scenario {
	eval := func(i int) string { return cat.evaluated[(i*7)%len(cat.evaluated)].evaluationID }
	get := func(path func(i int) string) op {
		return func(ctx context.Context, i int) (int64, error) {
			req, err := c.request(ctx, i, http.MethodGet, path(i), nil)
			if err != nil {
				return 0, err
			}
			return c.do(req)
		}
	}
	return []scenario{
		{name: "save-answer", needs: needsAPI, op: saveAnswer(c, cat, saves)},
		{name: "list-page", needs: needsSession, op: get(func(int) string { return "/providers" })},
		// A page three quarters down, by score: through its Next link (a key), and typed in as
		// an offset alone, which the ordering index walks to.
		{name: "list-page-deep", needs: needsSession, op: get(func(int) string {
			return fmt.Sprintf("/providers?offset=%d&sort=score&after=%s", cat.deepOffset(), url.QueryEscape(cat.deepAfter))
		})},
		{name: "list-page-offset", needs: needsSession, op: get(func(int) string {
			return fmt.Sprintf("/providers?offset=%d&sort=score", cat.deepOffset())
		})},
		{name: "list-page-search", needs: needsSession, op: get(func(i int) string {
			return "/providers?q=" + url.QueryEscape(cat.fragments[i%len(cat.fragments)])
		})},
		{name: "evaluation-page", needs: needsSession, op: get(func(i int) string { return "/evaluations/" + eval(i) })},
		{name: "report-page", needs: needsSession, op: get(func(i int) string { return "/evaluations/" + eval(i) + "/report" })},
		{name: "report-pdf", needs: needsSession, op: get(func(i int) string { return "/evaluations/" + eval(i) + "/report.pdf" })},
		{name: "compare-page", needs: needsSession, op: get(func(i int) string {
			return "/compare?ids=" + cat.compareIDs(i, compareSize)
		})},
		{name: "portfolio-csv", needs: needsAPI, requests: csvRequests, clients: 1,
			op: get(func(int) string { return "/api/v1/providers/export.csv" })},
	}
}

// saveAnswer puts answers through the API, spread over the drafts found, cycling through
// elements and values.
func saveAnswer(c *client, cat catalog, saves *answerMaker) op {
	return func(ctx context.Context, i int) (int64, error) {
		target := cat.drafts[i%len(cat.drafts)]
		ref, body, err := saves.answer(i/len(cat.drafts)+i, target.model)
		if err != nil {
			return 0, err
		}
		req, err := c.request(ctx, i, http.MethodPut, "/api/v1/evaluations/"+target.evaluationID+"/answers/"+ref, body)
		if err != nil {
			return 0, err
		}
		return c.do(req)
	}
}

// selectScenarios keeps those named in a comma list; a name also selects its variants
// ("list-page" selects "list-page-deep"). An empty list selects all.
func selectScenarios(all []scenario, list string) ([]scenario, error) {
	if strings.TrimSpace(list) == "" {
		return all, nil
	}
	var out []scenario
	for _, want := range strings.Split(list, ",") {
		want = strings.TrimSpace(want)
		found := false
		for _, s := range all {
			if s.name == want || strings.HasPrefix(s.name, want+"-") {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown scenario %q: want some of %s", want, names(all))
		}
	}
	return out, nil
}

func names(list []scenario) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.name
	}
	return strings.Join(out, ", ")
}
