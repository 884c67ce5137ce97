#!/bin/sh
# make-fixtures.sh: regenerates the golden messages of tests/data/extract/ that
# carry a PDF or DOCX document or text in a legacy charset, from their sources
# in tests/data/extract/src/. The test suite reads only the committed .eml files.
#
#   tests/make-fixtures.sh        (then: LIAISON_UPDATE_GOLDEN=1 make check
#                                  TESTS=tests/test-extract, and review the diff)
#
# Sources:
#   src/NAME.ms        a groff -ms document (tables with tbl) -> NAME.pdf (gropdf)
#   src/NAME.wml       a document in a small line format -> NAME.docx (zip):
#                        | Cell | Cell | ...   a table row (consecutive rows: one table)
#                        TEXT                  a paragraph; an empty line, an empty one
#   src/documents/NAME.docx.xml
#                      a word/document.xml written by hand -> documents/NAME.docx
#   src/documents/NAME.ms -> documents/NAME.pdf; and documents/no-body.docx, a zip
#                      without word/document.xml
#   src/[broken/]NAME.eml.in
#                      a message, copied line by line to [broken/]NAME.eml, where
#                      a line that is exactly one of these directives is replaced:
#                        @BASE64 FILE@               FILE (built, or in src/) in base64
#                        @BASE64-HEAD BYTES FILE@    its first BYTES bytes in base64
#                        @ICONV CHARSET FILE@        src/FILE (UTF-8) converted to CHARSET
#                        @ICONV-BASE64 CHARSET FILE@ the same, in base64
#                      and the message gets CR LF line ends if its name ends in -crlf.
# Tools (Debian): groff (gropdf, tbl), zip, iconv (libc-bin), base64 (coreutils).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$here/data/extract/src
out=$here/data/extract
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

for tool in groff zip iconv base64; do
	command -v "$tool" >/dev/null || { echo "make-fixtures.sh: $tool is missing" >&2; exit 1; }
done

# Fixed dates, so that the same sources give the same bytes.
STAMP="D:20270101000000+00'00'"
export TZ=UTC

# PDFs. gropdf writes the time it ran; it is replaced by STAMP, which has
# the same length, so the cross-reference table stays right.
for ms in "$src"/*.ms; do
	[ -e "$ms" ] || continue
	name=$(basename "$ms" .ms)
	groff -t -ms -Tpdf -dpaper=a4 -P-pa4 "$ms" > "$work/$name.pdf.tmp"
	sed "s/D:[0-9]\{14\}[-+Z][0-9']*/$STAMP/g" "$work/$name.pdf.tmp" > "$work/$name.pdf"
done

# DOCX: the three parts Word needs, the body written from the .wml source.
xml_escape () {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

wml_to_xml () {
	xml_escape < "$1" | awk '
	function run(text,   n, parts, i) {
		# A TAB in the source is a w:tab of the document.
		n = split(text, parts, "\t")
		for (i = 1; i <= n; i++) {
			if (i > 1) printf "<w:r><w:tab/></w:r>"
			if (parts[i] != "") printf "<w:r><w:t xml:space=\"preserve\">%s</w:t></w:r>", parts[i]
		}
	}
	function para(text) { printf "<w:p>"; run(text); printf "</w:p>\n" }
	BEGIN {
		print "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		print "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
		intable = 0
	}
	/^\|/ {
		if (!intable) { print "<w:tbl>"; intable = 1 }
		line = $0; sub(/^\| ?/, "", line); sub(/ ?\|[ \t]*$/, "", line)
		n = split(line, cells, / ?\| ?/)
		printf "<w:tr>"
		for (i = 1; i <= n; i++) {
			c = cells[i]; gsub(/^ +| +$/, "", c)
			# "\\" in a cell is a second paragraph of the cell.
			m = split(c, ps, / *\\\\ */)
			printf "<w:tc>"
			for (j = 1; j <= m; j++) para(ps[j])
			printf "</w:tc>"
		}
		print "</w:tr>"
		next
	}
	{
		if (intable) { print "</w:tbl>"; intable = 0 }
		para($0)
	}
	END {
		if (intable) print "</w:tbl>"
		print "</w:body></w:document>"
	}'
}

for wml in "$src"/*.wml; do
	[ -e "$wml" ] || continue
	name=$(basename "$wml" .wml)
	dir=$work/$name.d
	mkdir -p "$dir/_rels" "$dir/word"
	cat > "$dir/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
XML
	cat > "$dir/_rels/.rels" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
XML
	wml_to_xml "$wml" > "$dir/word/document.xml"
	touch -d '2027-01-01 00:00:00' "$dir/[Content_Types].xml" "$dir/_rels/.rels" "$dir/word/document.xml"
	(cd "$dir" && zip -X -D -q "$work/$name.docx" '[Content_Types].xml' _rels/.rels word/document.xml)
done

# Documents read on their own by test-extract (tests/data/documents/):
# PDFs, DOCX files whose XML is written by hand, and a zip that is no DOCX.
docs=$here/data/documents
mkdir -p "$docs"
for ms in "$src"/documents/*.ms; do
	[ -e "$ms" ] || continue
	name=$(basename "$ms" .ms)
	groff -t -ms -Tpdf -dpaper=a4 -P-pa4 "$ms" | sed "s/D:[0-9]\{14\}[-+Z][0-9']*/$STAMP/g" > "$docs/$name.pdf"
	echo "wrote ${docs#"$here"/}/$name.pdf"
done
for x in "$src"/documents/*.docx.xml; do
	[ -e "$x" ] || continue
	name=$(basename "$x" .docx.xml)
	dir=$work/doc-$name
	mkdir -p "$dir/word"
	cp "$x" "$dir/word/document.xml"
	touch -d '2027-01-01 00:00:00' "$dir/word/document.xml"
	rm -f "$docs/$name.docx"
	(cd "$dir" && zip -X -D -q "$docs/$name.docx" word/document.xml)
	echo "wrote ${docs#"$here"/}/$name.docx"
done
mkdir -p "$work/no-body"
printf 'not a document\n' > "$work/no-body/readme.txt"
touch -d '2027-01-01 00:00:00' "$work/no-body/readme.txt"
rm -f "$docs/no-body.docx"
(cd "$work/no-body" && zip -X -D -q "$docs/no-body.docx" readme.txt)
echo "wrote ${docs#"$here"/}/no-body.docx"

# The file a directive names: built, else a source.
find_file () {
	if [ -e "$work/$1" ]; then echo "$work/$1"; elif [ -e "$src/$1" ]; then echo "$src/$1"; else
		echo "make-fixtures.sh: no file $1" >&2; exit 1; fi
}

expand () {
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"@BASE64 "*"@")
			set -- ${line#@BASE64 }; f=$(find_file "${1%@}")
			base64 -w 76 "$f" ;;
		"@BASE64-HEAD "*"@")
			set -- ${line#@BASE64-HEAD }; f=$(find_file "${2%@}")
			head -c "$1" "$f" | base64 -w 76 ;;
		"@ICONV-BASE64 "*"@")
			set -- ${line#@ICONV-BASE64 }; f=$(find_file "${2%@}")
			iconv -f UTF-8 -t "$1" "$f" | base64 -w 76 ;;
		"@ICONV "*"@")
			set -- ${line#@ICONV }; f=$(find_file "${2%@}")
			iconv -f UTF-8 -t "$1" "$f" ;;
		*)
			printf '%s\n' "$line" ;;
		esac
	done
}

for tmpl in "$src"/*.eml.in "$src"/broken/*.eml.in; do
	[ -e "$tmpl" ] || continue
	rel=${tmpl#"$src"/}
	target=$out/${rel%.in}
	expand < "$tmpl" > "$target.tmp"
	case $rel in
	*-crlf.eml.in) sed 's/$/\r/' "$target.tmp" > "$target" && rm -f "$target.tmp" ;;
	*) mv "$target.tmp" "$target" ;;
	esac
	echo "wrote ${target#"$here"/}"
done
