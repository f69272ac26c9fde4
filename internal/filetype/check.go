package filetype

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on what Check reads of an archive, so that a hostile one costs little.
const (
	maxEntries      = 10000
	maxDirectory    = 4 << 20 // bytes of the central directory, all of which archive/zip reads in
	maxContentTypes = 1 << 20 // bytes of [Content_Types].xml
)

// ooxml says, for each Office type, the part that must be in the archive and the content type
// [Content_Types].xml must give it. A macro-enabled document (.docm, .xlsm) has another
// content type and so is not taken for one.
var ooxml = map[Type]struct{ part, contentType string }{
	DOCX: {"word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"},
	XLSX: {"xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"},
}

// Check decides the type of a whole file of size bytes called name, read through r: Sniff on
// its start and, for a ZIP, a look at the archive's central directory and [Content_Types].xml
// (never the documents' contents). It returns a *Refused error for a file that is not accepted.
func Check(r io.ReaderAt, size int64, name string) (Type, error) {
	head := make([]byte, min(size, HeadSize))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("filetype: read %s: %w", quote(name), err)
	}
	t, err := Sniff(name, head)
	if !errors.Is(err, ErrNeedArchive) {
		return t, err
	}
	if err := directorySize(r, size, name); err != nil {
		return "", err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", refuse("%s is not a readable Word or Excel document (the archive is damaged)", quote(name))
	}
	found, err := officeType(zr)
	if err != nil {
		return "", err
	}
	if found == "" {
		return "", refuse("%s is a ZIP archive, not a Word or Excel document; archives are not accepted (accepted: %s)", quote(name), Accepted)
	}
	return found, matchName(name, found)
}

// directorySize refuses an archive whose central directory is too big to read in, from its
// end record (the last 22 bytes and a comment of at most 64 KiB), before archive/zip reads it.
func directorySize(r io.ReaderAt, size int64, name string) error {
	tail := make([]byte, min(size, 22+65535))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("filetype: read %s: %w", quote(name), err)
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < 22 {
		return refuse("%s is not a readable Word or Excel document (the archive is damaged)", quote(name))
	}
	entries := binary.LittleEndian.Uint16(tail[i+10:])
	dirSize := binary.LittleEndian.Uint32(tail[i+12:])
	// 0xffff and 0xffffffff mean a ZIP64 archive: far beyond any Office document.
	if entries > maxEntries || entries == 0xffff || dirSize > maxDirectory {
		return refuse("%s has too many parts for a Word or Excel document (%d, a directory of %d bytes)", quote(name), entries, dirSize)
	}
	return nil
}

// officeType is DOCX or XLSX when the archive is one, "" when it is some other archive.
func officeType(zr *zip.Reader) (Type, error) {
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin") {
			return "", refuse("the document contains macros; save it without them (as DOCX or XLSX) or as PDF")
		}
	}
	ct, ok := parts["[Content_Types].xml"]
	if !ok {
		return "", nil
	}
	rc, err := ct.Open()
	if err != nil {
		return "", refuse("the document is damaged (its [Content_Types].xml cannot be read)")
	}
	defer rc.Close()
	types, err := io.ReadAll(io.LimitReader(rc, maxContentTypes+1))
	if err != nil || len(types) > maxContentTypes {
		return "", refuse("the document is damaged (its [Content_Types].xml cannot be read)")
	}
	for _, t := range []Type{DOCX, XLSX} {
		want := ooxml[t]
		if _, ok := parts[want.part]; ok && bytes.Contains(types, []byte(`"`+want.contentType+`"`)) {
			return t, nil
		}
	}
	return "", nil
}
