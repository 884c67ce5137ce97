#!/usr/bin/env python3
# ical-check.py FILE: checks an iCalendar file against RFC 5545 as far as
# liaison writes it: every line ends in CRLF and is at most 75 octets
# (section 3.1), continuation lines start with a space, the unfolded lines
# are NAME[;PARAMS]:VALUE, BEGIN/END balance, the VCALENDAR has VERSION
# and PRODID, each VEVENT or VTODO has one UID and one DTSTAMP (UTC) and a
# start or due date, UIDs are unique, and TEXT values have no unescaped
# line break or control character. Prints one line per problem and exits
# 1, or prints "N components" and the UID and unescaped SUMMARY of each,
# tab-separated, one a line, and exits 0.
import re
import sys

problems = []
data = open(sys.argv[1], "rb").read()
if not data.endswith(b"\r\n"):
    problems.append("the file does not end in CRLF")
raw = data.split(b"\r\n")[:-1]
for n, line in enumerate(raw, 1):
    if b"\r" in line or b"\n" in line:
        problems.append("line %d: a bare CR or LF" % n)
    if len(line) > 75:
        problems.append("line %d: %d octets, more than 75" % (n, len(line)))
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("line %d: not UTF-8 (a character split by folding?)" % n)
lines = []
for line in raw:
    if line.startswith(b" ") or line.startswith(b"\t"):
        if not lines:
            problems.append("the first line is a continuation")
            continue
        lines[-1] += line[1:]
    else:
        lines.append(line)
CONTENT = re.compile(r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^:;]*)*):(.*)$", re.S)
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
stack, components, current = [], [], None
for text in (line.decode("utf-8", "replace") for line in lines):
    m = CONTENT.match(text)
    if m is None:
        problems.append("not a content line: %r" % text[:60])
        continue
    name, value = m.group(1).upper(), m.group(3)
    if CONTROL.search(value):
        problems.append("%s: a control character in %r" % (name, value[:60]))
    if name == "BEGIN":
        stack.append(value)
        if value in ("VEVENT", "VTODO"):
            current = {}
        elif value == "VCALENDAR":
            cal = {}
        continue
    if name == "END":
        if not stack or stack.pop() != value:
            problems.append("END:%s does not close what is open" % value)
        if value in ("VEVENT", "VTODO") and current is not None:
            components.append(current)
            current = None
        continue
    target = current if current is not None else cal
    target.setdefault(name, []).append(value)
if stack:
    problems.append("left open: %s" % ", ".join(stack))
for key in ("VERSION", "PRODID"):
    if len(cal.get(key, [])) != 1:
        problems.append("VCALENDAR has %d %s, not one" % (len(cal.get(key, [])), key))
uids = set()
for c in components:
    uid = c.get("UID", [""])[0]
    for key in ("UID", "DTSTAMP"):
        if len(c.get(key, [])) != 1:
            problems.append("%s: %d %s, not one" % (uid, len(c.get(key, [])), key))
    if not re.match(r"^\d{8}T\d{6}Z$", c.get("DTSTAMP", [""])[0]):
        problems.append("%s: DTSTAMP is not a UTC date-time" % uid)
    if "DTSTART" not in c and "DUE" not in c:
        problems.append("%s: neither DTSTART nor DUE" % uid)
    if uid in uids:
        problems.append("%s: the UID is not unique" % uid)
    uids.add(uid)
    for value in c.get("SUMMARY", []):
        if re.search(r"[;,]", re.sub(r"\\[\\;,nN]", "", value)):
            problems.append("%s: an unescaped ; or , in SUMMARY" % uid)


def unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


if problems:
    print("\n".join(problems))
    sys.exit(1)
print("%d components" % len(components))
for c in components:
    print("%s\t%s" % (c["UID"][0], unescape(c.get("SUMMARY", [""])[0]).replace("\n", "\\n")))
