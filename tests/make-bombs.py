#!/usr/bin/env python3
"""tests/make-bombs.py: the hostile documents and messages of
tests/t-limits.sh, generated rather than kept (small, but each stands for
minutes of CPU or gigabytes of memory).

  make-bombs.py pdf FILE        a 27 KB PDF whose 100 pages all draw one
                                 shared content stream of 400,000 glyphs
  make-bombs.py docx FILE       a 31 KB DOCX whose word/document.xml holds
                                 8,000,000 empty elements (32 MB, under the cap)
  make-bombs.py parts FILE N    a message of N one-line attachments
"""
import sys, zlib, zipfile
def pdf_bomb(path, reps=400000, pages=100):
    content = b"BT /F1 1 Tf " + b"1 0 Td (x) Tj " * reps + b"ET\n"
    z = zlib.compress(content, 9)
    objs = []
    kids = " ".join("%d 0 R" % (5 + i) for i in range(pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)).encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream")
    for i in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    open(path, "wb").write(out)
def docx_bomb(path, n=8000000):
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           + b"<a/>" * n + b"</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", xml)
def many_parts(path, n):
    with open(path, "w") as f:
        f.write("From: TSB SG15 <tsbsg15@itu.int>\nTo: statements@example.org\n"
                "Subject: many parts\nDate: Fri, 02 Oct 2026 14:03:08 +0200\n"
                "Message-ID: <many-parts@limits.test>\nMIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=b\n\n")
        f.write("--b\nContent-Type: text/plain\n\nSee the attachments.\n")
        part = "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nx\n"
        f.write(part * n)
        f.write("--b--\n")

kind = sys.argv[1]
if kind == "pdf":
    pdf_bomb(sys.argv[2])
elif kind == "docx":
    docx_bomb(sys.argv[2])
elif kind == "parts":
    many_parts(sys.argv[2], int(sys.argv[3]))
else:
    sys.exit("make-bombs.py: pdf|docx|parts FILE [N]")
