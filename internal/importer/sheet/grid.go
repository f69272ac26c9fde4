package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"shareline/internal/questionnairefile"
)

// row is one row of a sheet that is not blank: its 1-based number and its cells, cleaned.
type row struct {
	n     int
	cells []string
}

// grid is what a spreadsheet holds: the rows of elements, the rows of the About sheet (none
// for CSV), and notes on what was left out on the way.
type grid struct {
	elements []row
	about    []row
	notes    []string
}

// sheetReader collects the rows of one sheet, refusing it past the limits.
type sheetReader struct {
	where string // how messages name the sheet: `the sheet "Elements"`, "the file"
	rows  []row
}

// add takes the row numbered n; a refusal when it is beyond the limits.
func (s *sheetReader) add(n int, cells []string) error {
	last := -1
	for i, c := range cells {
		if len(c) > MaxCell {
			return refusal(n, "%s: the cell in column %s holds %d bytes; the limit is %d (32 KiB)", s.where, columnName(i), len(c), MaxCell)
		}
		if strings.TrimSpace(c) != "" {
			last = i
		}
	}
	if last < 0 {
		return nil // blank
	}
	if n > MaxRows {
		return refusal(n, "%s has more than %d rows; split the questionnaire", s.where, MaxRows)
	}
	if last >= MaxColumns {
		return refusal(n, "%s: column %s holds a value; at most %d columns (A to %s) are read", s.where, columnName(last), MaxColumns, columnName(MaxColumns-1))
	}
	out := make([]string, last+1)
	for i := range out {
		out[i] = clean(cells[i])
	}
	s.rows = append(s.rows, row{n: n, cells: out})
	return nil
}

// clean is a cell's text as valid UTF-8 with lines ending in "\n", no control characters other
// than line breaks and tabs, and no space around it.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// columnName is the spreadsheet letter of the 0-based column i: A, B, …, AA.
func columnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprint(i + 1)
	}
	return name
}

// readXLSX reads the Elements and About sheets of a workbook, after checking that it does not
// unpack beyond the limits.
func readXLSX(data []byte) (g *grid, err error) {
	defer func() {
		// A malformed workbook must be refused, never bring the server down.
		if p := recover(); p != nil {
			g, err = nil, refusal(0, "the workbook could not be read; open it in a spreadsheet program and save it again as .xlsx")
		}
	}()
	data, err = slim(data)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: unzipXMLLimit})
	if err != nil {
		return nil, refusal(0, "the workbook could not be read (%v); open it in a spreadsheet program and save it again as .xlsx", err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	elements, about := choose(sheets)
	if elements == "" {
		return nil, refusal(0, "the workbook has no sheet of elements; put one row per element on a sheet named \"Elements\"")
	}
	g = &grid{}
	for _, s := range sheets {
		if s != elements && s != about {
			g.notes = append(g.notes, fmt.Sprintf("The sheet %q was not read: only %q and an \"About\" sheet are.", s, elements))
		}
	}
	if g.elements, err = readSheet(f, elements); err != nil {
		return nil, err
	}
	if about != "" {
		if g.about, err = readSheet(f, about); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// choose picks the sheet of elements, "Elements" or else the first that is not "About", and
// the About sheet ("" when there is none).
func choose(sheets []string) (elements, about string) {
	for _, s := range sheets {
		switch {
		case strings.EqualFold(strings.TrimSpace(s), "Elements") && elements == "":
			elements = s
		case strings.EqualFold(strings.TrimSpace(s), "About") && about == "":
			about = s
		}
	}
	if elements == "" {
		for _, s := range sheets {
			if s != about {
				elements = s
				break
			}
		}
	}
	return elements, about
}

// slim is the workbook with only the parts needed to read its cells, once it is sure not to
// unpack beyond the limits. The sizes its directory declares are checked first (nothing is
// unpacked if they are too large); each part kept is then unpacked once, which refuses a part
// larger than declared or damaged, and counts the XML elements of those excelize parses whole,
// for a small part can still hold enough tiny elements to fill the memory. The styles, theme and
// calculation chain, which excelize parses whole when it opens a workbook, are left out: without
// them cells read as they would in the General format.
func slim(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, refusal(0, "not an XLSX workbook (%v); save it as an Excel workbook (.xlsx), not an older .xls or a password-protected file", err)
	}
	if len(zr.File) > maxParts {
		return nil, refusal(0, "the workbook holds %d files; the limit is %d", len(zr.File), maxParts)
	}
	var total uint64
	for _, zf := range zr.File {
		size, limit := zf.UncompressedSize64, partLimit(partName(zf))
		if size > limit {
			return nil, refusal(0, "the workbook's part %s unpacks to %s; the limit is %s", zf.Name, mib(size), mib(limit))
		}
		if total += size; total > unzipLimit {
			return nil, refusal(0, "the workbook unpacks to at least %s; the limit is %s", mib(total), mib(unzipLimit))
		}
	}
	buf := make([]byte, 32<<10)
	read, err := sheetsRead(zr, buf)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		name := partName(zf)
		if dropped(name) || sheetPart(name) && read != nil && read[name] == "" {
			continue
		}
		if _, err := inspect(zf, name, read[name], buf, false); err != nil {
			return nil, err
		}
		if err := zw.Copy(zf); err != nil {
			return nil, refusal(0, "the workbook could not be read (%v)", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, refusal(0, "the workbook could not be read (%v)", err)
	}
	return out.Bytes(), nil
}

// partName is a part's name as compared here: lower case, with forward slashes.
func partName(zf *zip.File) string { return strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/")) }

func worksheet(name string) bool { return strings.HasPrefix(name, "xl/worksheets/") }

// sheetPart says whether a part is a worksheet's cells.
func sheetPart(name string) bool {
	return worksheet(name) && strings.HasSuffix(name, ".xml") && !strings.Contains(name, "/_rels/")
}

// partLimit is how large a part may unpack: worksheets, which are read as a stream, and the
// shared strings, which hold the text, are allowed most.
func partLimit(name string) uint64 {
	if worksheet(name) || name == "xl/sharedstrings.xml" || dropped(name) {
		return unzipXMLLimit
	}
	return unzipPartLimit
}

// dropped says whether a part is left out of the workbook before it is opened.
func dropped(name string) bool {
	switch {
	case name == "xl/styles.xml", name == "xl/calcchain.xml", strings.HasPrefix(name, "xl/theme/"):
		return true
	}
	return !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels")
}

// inspect unpacks a part, refusing it when it is damaged or larger than declared, or when it
// holds more XML tags than maxSheetTags (a worksheet) or maxTags (any other part); with keep,
// it returns what it unpacked. sheet is the name of the sheet whose cells the part holds, if
// known.
func inspect(zf *zip.File, name, sheet string, buf []byte, keep bool) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, refusal(0, "the workbook is damaged: its part %s cannot be unpacked (%v)", zf.Name, err)
	}
	defer func() { _ = rc.Close() }()
	limit := maxTags
	if sheetPart(name) {
		limit = maxSheetTags
	}
	var kept bytes.Buffer
	tags := 0
	for {
		n, err := rc.Read(buf)
		if keep {
			kept.Write(buf[:n])
		}
		if tags += bytes.Count(buf[:n], []byte{'<'}); tags > limit {
			if sheet != "" {
				return nil, refusal(0, "the sheet %q holds more than %d XML elements (rows and cells, empty ones too); the limit is %d: delete the rows and columns it does not need", sheet, limit, limit)
			}
			return nil, refusal(0, "the workbook's part %s holds more than %d XML elements; the limit is %d", zf.Name, limit, limit)
		}
		if err == io.EOF {
			return kept.Bytes(), nil
		}
		if err != nil {
			return nil, refusal(0, "the workbook is damaged: its part %s cannot be unpacked (%v)", zf.Name, err)
		}
	}
}

// sheetsRead maps the parts of the worksheets that will be read to their sheets' names, found
// as excelize finds them: the workbook named in _rels/.rels, its sheets, and their targets in
// its relationships. nil when they cannot be told, and every worksheet is kept.
func sheetsRead(zr *zip.Reader, buf []byte) (map[string]string, error) {
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		parts[partName(zf)] = zf
	}
	load := func(name string) ([]byte, error) {
		zf := parts[name]
		if zf == nil {
			return nil, nil
		}
		return inspect(zf, name, "", buf, true)
	}
	rels, err := load("_rels/.rels")
	if err != nil || rels == nil {
		return nil, err
	}
	book := "xl/workbook.xml"
	for _, rel := range elementsOf(rels, "Relationship") {
		if strings.HasSuffix(rel["Type"], "/officeDocument") {
			book = target("", rel["Target"])
		}
	}
	wb, err := load(book)
	if err != nil || wb == nil {
		return nil, err
	}
	dir, file := path.Split(book)
	bookRels, err := load(dir + "_rels/" + file + ".rels")
	if err != nil || bookRels == nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, rel := range elementsOf(bookRels, "Relationship") {
		targets[rel["Id"]] = target(dir, rel["Target"])
	}
	var names []string
	byName := map[string]string{}
	for _, sh := range elementsOf(wb, "sheet") {
		names = append(names, sh["name"])
		byName[sh["name"]] = targets[sh["id"]]
	}
	read := map[string]string{}
	elements, about := choose(names)
	for _, name := range []string{elements, about} {
		if name == "" {
			continue
		}
		if byName[name] == "" {
			return nil, nil
		}
		read[byName[name]] = name
	}
	return read, nil
}

// target is a relationship's target as a part name, relative to dir unless it begins with "/".
func target(dir, t string) string {
	t = strings.ReplaceAll(t, `\`, "/")
	if strings.HasPrefix(t, "/") {
		return strings.ToLower(strings.TrimPrefix(path.Clean(t), "/"))
	}
	return strings.ToLower(strings.TrimPrefix(path.Clean("/"+dir+t), "/"))
}

// elementsOf lists the attributes (by local name) of the XML elements called local.
func elementsOf(data []byte, local string) []map[string]string {
	var out []map[string]string
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == local {
			attrs := map[string]string{}
			for _, a := range se.Attr {
				attrs[a.Name.Local] = a.Value
			}
			out = append(out, attrs)
		}
	}
}

func mib(n uint64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", (n+1023)>>10)
	}
	return fmt.Sprintf("%d MiB", (n+(1<<20)-1)>>20)
}

// readSheet streams the rows of one worksheet.
func readSheet(f *excelize.File, name string) ([]row, error) {
	s := &sheetReader{where: fmt.Sprintf("the sheet %q", name)}
	rows, err := f.Rows(name)
	if err != nil {
		return nil, refusal(0, "%s could not be read (%v)", s.where, err)
	}
	defer func() { _ = rows.Close() }()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, refusal(n, "%s could not be read (%v)", s.where, err)
		}
		if err := s.add(n, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, refusal(0, "%s could not be read (%v)", s.where, err)
	}
	return s.rows, nil
}

// readCSV reads a CSV file: its text decoded, its delimiter guessed from the heading row, and
// each record numbered as the row a spreadsheet program shows it on (blank lines count).
func readCSV(data []byte) (*grid, error) {
	g := &grid{}
	text, note, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if note != "" {
		g.notes = append(g.notes, note)
	}
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n") // lines ended as on old Macs
	}
	comma := delimiter(text)
	// Excel writes, and hides, a first line such as sep=; naming the delimiter.
	if first, rest, _ := strings.Cut(text, "\n"); len(strings.TrimSpace(first)) == 5 && strings.HasPrefix(strings.ToLower(first), "sep=") {
		comma, text = rune(strings.TrimSpace(first)[4]), rest
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	s := &sheetReader{where: "the file"}
	// The reader skips blank lines; they are rows all the same where people look at the file.
	n, offset, nextLine := 0, int64(0), 1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &questionnairefile.Error{Problems: []questionnairefile.Problem{{Line: pe.Line, Message: fmt.Sprintf("the CSV cannot be read: %v (check the quotes: a cell holding quotes, line breaks or the delimiter is written in double quotes, with its own quotes doubled)", pe.Err)}}}
			}
			return nil, refusal(0, "the CSV cannot be read: %v", err)
		}
		start, _ := r.FieldPos(0)
		n += 1 + max(0, start-nextLine)
		end := r.InputOffset()
		nextLine += strings.Count(text[offset:end], "\n")
		offset = end
		if err := s.add(n, rec); err != nil {
			return nil, err
		}
	}
	g.elements = s.rows
	return g, nil
}

// decodeText is a CSV file's text: UTF-8 without its byte-order mark, UTF-16 with one, and
// otherwise Windows-1252 (what Excel writes for "CSV (Comma delimited)"), with a note.
func decodeText(data []byte) (text, note string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", refusal(0, "the file is not readable UTF-16 text; save it as CSV UTF-8")
		}
		return string(out), "", nil
	}
	if utf8.Valid(data) {
		return string(data), "", nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", refusal(0, "the file is not UTF-8 text; save it as CSV UTF-8")
	}
	return string(out), "The file is not UTF-8 text; it was read as Windows-1252 (Western European). If any letters look wrong, save it as CSV UTF-8 and import it again.", nil
}

// delimiter is the one of comma, semicolon and tab that the first line that is not blank (the
// heading row) uses most, outside quotes; a comma when it uses none.
func delimiter(text string) rune {
	line := ""
	for rest := text; line == "" && rest != ""; {
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSpace(line)
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}
