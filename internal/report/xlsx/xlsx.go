// Package xlsx renders Shareline's report model (package report) as Excel workbooks: one
// evaluation's report (WriteReport), a comparison of providers (WriteComparison) and the
// provider portfolio (WritePortfolio). Every figure, word and rule comes from package report;
// this package only lays it out, with numbers stored as numbers and instants as dates.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// Sheet names of the report workbook.
const (
	SheetSummary   = "Summary"
	SheetAnswers   = "Answers"
	SheetMatrix    = "Matrix"
	SheetFollowUps = "Follow-ups"
)

// xlsxStyles are the cell styles a workbook uses, registered once per file.
type xlsxStyles struct {
	header, wrap, score, when, day, bold, percent, figure, figurePct int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	defs := []struct {
		id    *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: "1F2937"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "8EA9C1", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.score, excelize.Style{CustomNumFmt: ptr("0.0"), Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.when, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm"), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.day, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd"), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.percent, excelize.Style{CustomNumFmt: ptr("0.0%"), Alignment: &excelize.Alignment{Vertical: "top"}}},
		// Key figures sit beside their labels, left-aligned, not at the far end of a wide column.
		{&st.figure, excelize.Style{CustomNumFmt: ptr("0.0"), Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}},
		{&st.figurePct, excelize.Style{CustomNumFmt: ptr("0.0%"), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return st, fmt.Errorf("xlsx: style: %w", err)
		}
		*d.id = id
	}
	return st, nil
}

func ptr[T any](v T) *T { return &v }

// WriteReport writes the report as a workbook with the sheets Summary (the report's facts and
// figures as label/value rows, scores as numbers), Answers (one row per element, credit,
// weight and score contribution as numbers), Matrix (each layer's claimed owner beside the
// reference, deviations marked; only when the questionnaire has a responsibility split) and
// Follow-ups. Every sheet has a styled, frozen header row.
func WriteReport(w io.Writer, r report.Report) error {
	steps := []func(*excelize.File, xlsxStyles, report.Report) error{writeSummarySheet, writeAnswersSheet}
	sheets := []string{SheetSummary, SheetAnswers}
	if r.Questionnaire.Split != nil {
		sheets = append(sheets, SheetMatrix)
		steps = append(steps, writeMatrixSheet)
	}
	sheets = append(sheets, SheetFollowUps)
	steps = append(steps, writeFollowUpsSheet)
	f, st, err := newWorkbook(sheets...)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, step := range steps {
		if err := step(f, st, r); err != nil {
			return fmt.Errorf("xlsx: report: %w", err)
		}
	}
	return writeWorkbook(f, w, workbookMeta{Title: r.Title(), Subject: r.Subject(), By: r.GeneratedBy, At: r.GeneratedAt,
		Keywords: strings.Join(r.Keywords(), ", ")})
}

// newWorkbook starts a workbook with these sheets, in order, and its styles.
func newWorkbook(sheets ...string) (*excelize.File, xlsxStyles, error) {
	f := excelize.NewFile()
	err := f.SetSheetName("Sheet1", sheets[0])
	for _, name := range sheets[1:] {
		if err == nil {
			_, err = f.NewSheet(name)
		}
	}
	var st xlsxStyles
	if err == nil {
		st, err = newXLSXStyles(f)
	}
	if err != nil {
		f.Close()
		return nil, st, err
	}
	return f, st, nil
}

// workbookMeta is a workbook's core properties.
type workbookMeta struct {
	Title, Subject, Keywords string
	By                       string // who generated it: creator and last modified by
	At                       time.Time
}

// writeWorkbook opens the workbook on its first sheet, gives it its core properties (title,
// creator and last modified by who generated it, real dates in UTC) and writes it.
func writeWorkbook(f *excelize.File, w io.Writer, m workbookMeta) error {
	f.SetActiveSheet(0)
	if err := f.SetAppProps(&excelize.AppProperties{Application: "Shareline"}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	out, err := withCoreProperties(buf.Bytes(), coreXML(m))
	if err != nil {
		return fmt.Errorf("xlsx: core properties: %w", err)
	}
	_, err = w.Write(out)
	return err
}

// coreXML is docProps/core.xml with every element in its own namespace prefix (cp:, dc:,
// dcterms:), as Excel writes it. excelize writes the cp: elements in a default namespace,
// which ExcelJS refuses ("Unexpected xml node"), so the workbook gets this one instead.
func coreXML(m workbookMeta) string {
	by := strings.TrimSpace(m.By)
	if by == "" {
		by = "Shareline"
	}
	at := m.At
	if at.IsZero() {
		at = time.Now()
	}
	when := at.UTC().Format("2006-01-02T15:04:05Z")
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
		return b.String()
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	fmt.Fprintf(&b, `<dc:title>%s</dc:title>`, esc(m.Title))
	if m.Subject != "" {
		fmt.Fprintf(&b, `<dc:subject>%s</dc:subject>`, esc(m.Subject))
	}
	fmt.Fprintf(&b, `<dc:creator>%s</dc:creator>`, esc(by))
	if m.Keywords != "" {
		fmt.Fprintf(&b, `<cp:keywords>%s</cp:keywords>`, esc(m.Keywords))
	}
	fmt.Fprintf(&b, `<dc:description>Generated by Shareline</dc:description><cp:lastModifiedBy>%s</cp:lastModifiedBy>`, esc(by))
	fmt.Fprintf(&b, `<dc:language>en</dc:language><cp:category>Security coverage</cp:category>`)
	fmt.Fprintf(&b, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>`, when, when)
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

// withCoreProperties copies the workbook's zip with docProps/core.xml replaced by core; the
// other parts are copied as they are compressed.
func withCoreProperties(xlsx []byte, core string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(xlsx) + len(core))
	zw := zip.NewWriter(&out)
	replaced := false
	for _, f := range zr.File {
		if f.Name != "docProps/core.xml" {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err == nil {
			_, err = io.WriteString(w, core)
		}
		if err != nil {
			return nil, err
		}
		replaced = true
	}
	if !replaced {
		return nil, fmt.Errorf("the workbook has no docProps/core.xml")
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// printSetup makes a sheet print on A4 fitted to one page wide (as many pages down as it
// needs), landscape when wide, with its first headerRows rows repeated on every page, and
// declares its used range (cols × rows) so that readers that trust it see every row.
func printSetup(f *excelize.File, sheet string, cols, rows, headerRows int, landscape bool) error {
	orientation := "portrait"
	if landscape {
		orientation = "landscape"
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: &orientation, FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, headerRows)}); err != nil {
		return err
	}
	if rows > 0 && cols > 0 {
		last, _ := excelize.CoordinatesToCellName(cols, rows)
		return f.SetSheetDimension(sheet, "A1:"+last)
	}
	return nil
}

// rowHeight is the height in points of a row whose cells hold these texts in columns of these
// widths (in characters), wrapped: 15 points a line, at least one line.
func rowHeight(texts []string, widths []float64) float64 {
	lines := 1
	for i, t := range texts {
		if i >= len(widths) || t == "" {
			continue
		}
		per := max(int(widths[i]*1.05)-1, 4)
		n := 0
		for _, para := range strings.Split(t, "\n") {
			n += max(1, (len([]rune(para))+per-1)/per)
		}
		lines = max(lines, n)
	}
	return float64(min(lines, 27)) * 15
}

// cellText is how long a cell's value reads, for rowHeight.
func cellText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// sheetTable writes a header row and body rows to a sheet, styles and freezes the header, and
// sets column widths.
type sheetTable struct {
	name   string
	header []string
	widths []float64
	rows   [][]any
	styles map[int]int // column index → style for body cells
	wide   bool        // print landscape
}

func (t sheetTable) write(f *excelize.File, st xlsxStyles) error {
	if err := f.SetSheetRow(t.name, "A1", &t.header); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(t.header))
	if err := f.SetCellStyle(t.name, "A1", last+"1", st.header); err != nil {
		return err
	}
	for i, row := range t.rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(t.name, cell, &row); err != nil {
			return err
		}
		texts := make([]string, len(row))
		for j, v := range row {
			texts[j] = cellText(v)
		}
		if err := f.SetRowHeight(t.name, i+2, rowHeight(texts, t.widths)); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(t.name, 1, rowHeight(t.header, t.widths)); err != nil {
		return err
	}
	if err := printSetup(f, t.name, len(t.header), len(t.rows)+1, 1, t.wide); err != nil {
		return err
	}
	for col, width := range t.widths {
		name, _ := excelize.ColumnNumberToName(col + 1)
		if err := f.SetColWidth(t.name, name, name, width); err != nil {
			return err
		}
		style, ok := t.styles[col]
		if !ok {
			style = st.wrap
		}
		if len(t.rows) > 0 {
			if err := f.SetCellStyle(t.name, name+"2", fmt.Sprintf("%s%d", name, len(t.rows)+1), style); err != nil {
				return err
			}
		}
	}
	return f.SetPanes(t.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func writeSummarySheet(f *excelize.File, st xlsxStyles, r report.Report) error {
	s := r.Summary.Score
	var coverage any = s.Text()
	if s.Assessed() {
		coverage = assess.Round1(s.Overall)
	}
	// The key figures first, beside their labels, so that the printed page starts with them.
	rows := [][]any{
		{"Provider", r.Evaluation.ProviderName},
		{"Coverage score", coverage},
		{"Tier", s.Tier.Label()},
		{"Status", r.Evaluation.Status.Label()},
		{"Progress", assess.Round1(s.Progress) / 100},
		{"Evidenced", assess.Round1(s.Evidenced) / 100},
		{"Verified by a reviewer", assess.Round1(s.Verified) / 100},
	}
	for _, qs := range s.Questions {
		score, text, ok := report.QuestionFigure(s, qs.Key)
		var v any = text
		if ok && s.Assessed() {
			v = assess.Round1(score)
		}
		rows = append(rows, []any{"Score: " + report.QuestionTitle(r.Questionnaire, qs.Key), v})
	}
	rows = append(rows, []any{"Status in full", r.StatusText()}, []any{"Confidentiality", report.MarkingOr(r.Marking)})
	for _, fact := range r.Facts() {
		if fact.Label == "Provider" || fact.Label == "Status" {
			continue
		}
		v := fact.Value
		if d, ok := v.(assess.Date); ok {
			v = d.Time()
		}
		rows = append(rows, []any{fact.Label, v})
	}
	rows = append(rows, []any{"Report generated", xlsxTime(r.GeneratedAt)}, []any{"Generated by", r.GeneratedByText()})
	if r.Summary.Retained.Applies() {
		rows = append(rows, []any{"What stays with you", r.RetainedNote()})
		for _, l := range r.Summary.Retained.Layers {
			split := r.Questionnaire.Split
			rows = append(rows, []any{"Stays with you: " + split.Label(l.Layer), split.Retain(l.Layer)})
		}
	}
	t := sheetTable{name: SheetSummary, header: []string{"Item", "Value"}, widths: []float64{38, 60}, rows: rows,
		styles: map[int]int{0: st.bold}}
	if err := t.write(f, st); err != nil {
		return err
	}
	return styleSummaryValues(f, st, rows)
}

// styleSummaryValues gives scores one decimal, shares a percentage format and instants a date
// format, row by row, left-aligned beside their labels.
func styleSummaryValues(f *excelize.File, st xlsxStyles, rows [][]any) error {
	for i, row := range rows {
		style := st.wrap
		switch v := row[1].(type) {
		case float64:
			style = st.figure
			if strings.HasPrefix(row[0].(string), "Progress") || strings.HasPrefix(row[0].(string), "Evidenced") ||
				strings.HasPrefix(row[0].(string), "Verified") {
				style = st.figurePct
			}
		case time.Time:
			style = st.when
			if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 {
				style = st.day
			}
		case string:
			if v == "" {
				continue
			}
		}
		if err := f.SetCellStyle(SheetSummary, fmt.Sprintf("B%d", i+2), fmt.Sprintf("B%d", i+2), style); err != nil {
			return err
		}
	}
	return nil
}

// xlsxTime is an instant as a spreadsheet date-time in UTC, or "not recorded" when unset.
func xlsxTime(t time.Time) any {
	if t.IsZero() {
		return report.NotRecorded
	}
	return t.UTC()
}

func writeAnswersSheet(f *excelize.File, st xlsxStyles, r report.Report) error {
	var rows [][]any
	for _, row := range r.Rows() {
		answer := row.AnswerText()
		if row.Element.Type == assess.TypeMatrix {
			answer = strings.ReplaceAll(answer, "; ", "\n")
		}
		evidence := make([]string, 0, len(row.Answer.Evidence))
		for _, e := range row.Answer.Evidence {
			evidence = append(evidence, report.EvidenceText(e, r.Summary.Score.AsOf))
		}
		var credit, contribution any
		if row.Score.Applies {
			credit, contribution = row.Score.Credit, assess.Round1(row.Contribution)
		}
		rows = append(rows, []any{
			row.Question.Title, row.Element.Label, answer, row.Answer.Explanation,
			strings.Join(evidence, "\n"), credit, row.Score.Weight, contribution, row.Ref(),
			row.ReviewText(), row.AnsweredByText(),
		})
	}
	t := sheetTable{
		name: SheetAnswers,
		header: []string{"Question", "Element", "Answer", "Explanation", "Evidence", "Credit", "Weight",
			"Score contribution (points of the question score)", "Reference", "Review", "Answered by"},
		widths: []float64{28, 32, 36, 50, 50, 12, 10, 16, 36, 40, 36},
		rows:   rows,
		styles: map[int]int{5: st.percent, 7: st.score},
		wide:   true,
	}
	return t.write(f, st)
}

func writeMatrixSheet(f *excelize.File, st xlsxStyles, r report.Report) error {
	retained := map[assess.Layer]bool{}
	for _, l := range r.Summary.Retained.Layers {
		retained[l.Layer] = true
	}
	var rows [][]any
	for _, m := range r.Matrix() {
		rows = append(rows, []any{m.Label, assess.OwnerText(m.Claimed), m.Reference.Label(),
			yesNo(m.Deviation), yesNo(retained[m.Layer])})
	}
	t := sheetTable{
		name: SheetMatrix,
		header: []string{"Layer", "Claimed by the provider", "Reference (" + r.Evaluation.ServiceModel.Label() + ")",
			"Deviation", "Stays with you"},
		widths: []float64{24, 24, 20, 12, 16},
		rows:   rows,
	}
	return t.write(f, st)
}

func writeFollowUpsSheet(f *excelize.File, st xlsxStyles, r report.Report) error {
	var rows [][]any
	for i, fu := range r.FollowUps() {
		rows = append(rows, []any{i + 1, fu.QuestionTitle, fu.ElementLabel, fu.Weight, fu.Credit, fu.Text})
	}
	t := sheetTable{
		name:   SheetFollowUps,
		header: []string{"#", "Question", "Element", "Weight", "Credit", "Follow-up question for the provider"},
		widths: []float64{5, 28, 32, 10, 12, 70},
		rows:   rows,
		styles: map[int]int{4: st.percent},
		wide:   true,
	}
	return t.write(f, st)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
