package pdf

import (
	"bytes"
	"crypto/md5"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Producer names what made the PDF, in its document information.
const Producer = "Shareline (Chromium, Skia/PDF)"

// stampMetadata adds to a PDF that Chromium wrote an incremental update (PDF 32000-1, 7.5.6):
// a new document information dictionary (title, author, subject, keywords, creator, producer,
// creation and modification dates with their time zone), an XMP metadata stream saying the
// same, and a copy of the catalog that points at it. Chromium's own objects are left as they
// are, tagging and outline included. It reads the classic cross-reference table and trailer
// that Chromium's PDF backend writes, and refuses anything else.
func stampMetadata(pdf []byte, m Metadata) ([]byte, error) {
	tr, err := readTrailer(pdf)
	if err != nil {
		return nil, err
	}
	catalog, err := objectDict(pdf, tr.xref, tr.root)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(catalog, []byte("/Metadata")) {
		return nil, fmt.Errorf("pdf: the catalog already has metadata")
	}
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	info, meta := tr.size, tr.size+1
	out := bytes.NewBuffer(make([]byte, 0, len(pdf)+8192))
	out.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	begin := func(n int) {
		offsets[n] = out.Len()
		fmt.Fprintf(out, "%d 0 obj\n", n)
	}
	begin(tr.root)
	out.Write(bytes.TrimSuffix(bytes.TrimSpace(catalog), []byte(">>")))
	fmt.Fprintf(out, "\n/Metadata %d 0 R>>\nendobj\n", meta)
	begin(info)
	out.WriteString(infoDict(m))
	out.WriteString("\nendobj\n")
	xmp := xmpPacket(m)
	begin(meta)
	fmt.Fprintf(out, "<</Type /Metadata /Subtype /XML /Length %d>>\nstream\n%s\nendstream\nendobj\n", len(xmp), xmp)
	xref := out.Len()
	fmt.Fprintf(out, "xref\n%d 1\n%010d 00000 n \n%d 2\n%010d 00000 n \n%010d 00000 n \n",
		tr.root, offsets[tr.root], info, offsets[info], offsets[meta])
	id := md5.Sum(pdf)
	fmt.Fprintf(out, "trailer\n<</Size %d\n/Root %d 0 R\n/Info %d 0 R\n/ID [<%x> <%x>]\n/Prev %d>>\nstartxref\n%d\n%%%%EOF\n",
		meta+1, tr.root, info, id, id, tr.xref, xref)
	return out.Bytes(), nil
}

// trailer is what an incremental update needs of the last trailer.
type trailer struct {
	size, root int
	xref       int // offset of the cross-reference table
}

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	sizeRe      = regexp.MustCompile(`/Size\s+(\d+)`)
	rootRe      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
)

func readTrailer(pdf []byte) (trailer, error) {
	m := startxrefRe.FindSubmatch(pdf)
	if m == nil {
		return trailer{}, fmt.Errorf("pdf: no startxref at the end of the file")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref >= len(pdf) || !bytes.HasPrefix(pdf[xref:], []byte("xref")) {
		return trailer{}, fmt.Errorf("pdf: no classic cross-reference table at %d", xref)
	}
	t := bytes.LastIndex(pdf, []byte("trailer"))
	if t < xref {
		return trailer{}, fmt.Errorf("pdf: no trailer after the cross-reference table")
	}
	dict := pdf[t:]
	size, root := sizeRe.FindSubmatch(dict), rootRe.FindSubmatch(dict)
	if size == nil || root == nil {
		return trailer{}, fmt.Errorf("pdf: the trailer lacks /Size or /Root")
	}
	tr := trailer{xref: xref}
	tr.size, _ = strconv.Atoi(string(size[1]))
	tr.root, _ = strconv.Atoi(string(root[1]))
	return tr, nil
}

// objectDict finds object n through the cross-reference table at xref and returns its
// dictionary, which must not be a stream.
func objectDict(pdf []byte, xref, n int) ([]byte, error) {
	lines := strings.SplitN(string(pdf[xref:min(len(pdf), xref+64+20*(n+1)+64)]), "\n", n+4)
	// "xref", "0 <count>", then one 20-byte entry per object from 0.
	if len(lines) < n+3 || !strings.HasPrefix(lines[1], "0 ") {
		return nil, fmt.Errorf("pdf: cross-reference table does not start at object 0")
	}
	entry := strings.Fields(lines[2+n])
	if len(entry) != 3 || entry[2] != "n" {
		return nil, fmt.Errorf("pdf: object %d is not in use", n)
	}
	off, err := strconv.Atoi(entry[0])
	if err != nil || off >= len(pdf) {
		return nil, fmt.Errorf("pdf: bad offset of object %d", n)
	}
	head := fmt.Sprintf("%d 0 obj", n)
	body := pdf[off:]
	if !bytes.HasPrefix(body, []byte(head)) {
		return nil, fmt.Errorf("pdf: object %d is not at its offset", n)
	}
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("pdf: object %d has no end", n)
	}
	dict := bytes.TrimSpace(body[len(head):end])
	if !bytes.HasPrefix(dict, []byte("<<")) || !bytes.HasSuffix(dict, []byte(">>")) {
		return nil, fmt.Errorf("pdf: object %d is not a dictionary", n)
	}
	return dict, nil
}

// infoDict is the document information dictionary of m.
func infoDict(m Metadata) string {
	var b strings.Builder
	b.WriteString("<<")
	field := func(key, value string) {
		if value != "" {
			fmt.Fprintf(&b, "/%s %s\n", key, textString(value))
		}
	}
	field("Title", m.Title)
	field("Author", m.Author)
	field("Subject", m.Subject)
	field("Keywords", strings.Join(m.Keywords, ", "))
	field("Creator", "Shareline")
	field("Producer", Producer)
	fmt.Fprintf(&b, "/CreationDate (%s)\n/ModDate (%s)", pdfDate(m.Created), pdfDate(m.Created))
	b.WriteString(">>")
	return b.String()
}

// textString is a PDF text string: UTF-16BE with a byte order mark, in hexadecimal, so that
// every script survives.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfDate is a PDF date with its offset from UTC: D:YYYYMMDDHHmmSS+HH'mm'.
func pdfDate(t time.Time) string {
	_, offset := t.Zone()
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, offset/3600, offset%3600/60)
}

// xmpPacket is the XMP metadata of m (Dublin Core, XMP basic and Adobe PDF schemas).
func xmpPacket(m Metadata) string {
	lang := m.Language
	if lang == "" {
		lang = "en"
	}
	when := m.Created.Format(time.RFC3339)
	var b strings.Builder
	b.WriteString(`<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>` + "\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` + "\n")
	fmt.Fprintf(&b, "<dc:format>application/pdf</dc:format>\n")
	fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", xmlText(m.Title))
	if m.Author != "" {
		fmt.Fprintf(&b, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", xmlText(m.Author))
	}
	if m.Subject != "" {
		fmt.Fprintf(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", xmlText(m.Subject))
	}
	fmt.Fprintf(&b, "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n", xmlText(lang))
	if len(m.Keywords) > 0 {
		b.WriteString("<dc:subject><rdf:Bag>")
		for _, k := range m.Keywords {
			fmt.Fprintf(&b, "<rdf:li>%s</rdf:li>", xmlText(k))
		}
		b.WriteString("</rdf:Bag></dc:subject>\n")
		fmt.Fprintf(&b, "<pdf:Keywords>%s</pdf:Keywords>\n", xmlText(strings.Join(m.Keywords, ", ")))
	}
	fmt.Fprintf(&b, "<pdf:Producer>%s</pdf:Producer>\n", xmlText(Producer))
	fmt.Fprintf(&b, "<xmp:CreatorTool>Shareline</xmp:CreatorTool>\n")
	fmt.Fprintf(&b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n<xmp:MetadataDate>%s</xmp:MetadataDate>\n", when, when, when)
	b.WriteString("</rdf:Description>\n</rdf:RDF></x:xmpmeta>\n")
	b.WriteString(`<?xpacket end="w"?>`)
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
