#!/usr/bin/env python3
# atom-check.py FEED: checks an Atom feed against the elements RFC 4287
# requires (section 4.1): the feed's id, title and updated, an author on the
# feed or on every entry; each entry's id, title and updated, an alternate
# link when it has no content, and a content or a summary. Ids must be IRIs,
# dates RFC 3339 date-times. Prints one line per problem and exits 1, or
# prints "N entries" and exits 0. Well-formedness is xmllint's to judge;
# a feed that does not parse is a problem here too.
import re
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 3339 section 5.6 date-time.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# An IRI has a scheme (RFC 3987 section 2.2).
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")

problems = []


def say(where, text):
    problems.append("%s: %s" % (where, text))


def one(element, name, where):
    """The one child NAME of ELEMENT, or None (and a problem)."""
    found = element.findall(ATOM + name)
    if len(found) != 1:
        say(where, "has %d atom:%s, not one" % (len(found), name))
        return None
    return found[0]


def text_construct(element, name, where):
    """atom:title and atom:summary (section 3.1): text, or escaped HTML."""
    node = one(element, name, where)
    if node is None:
        return None
    kind = node.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        say(where, "atom:%s has type %r" % (name, kind))
    if kind != "xhtml" and len(node) > 0:
        say(where, "atom:%s of type %s holds elements" % (name, kind))
    return node.text or ""


def common(element, where):
    node = one(element, "id", where)
    if node is not None and not IRI.match((node.text or "").strip()):
        say(where, "atom:id %r is not an IRI" % node.text)
    text_construct(element, "title", where)
    node = one(element, "updated", where)
    if node is not None and not DATE_TIME.match(node.text or ""):
        say(where, "atom:updated %r is not an RFC 3339 date-time" % node.text)
    for node in element.findall(ATOM + "published"):
        if not DATE_TIME.match(node.text or ""):
            say(where, "atom:published %r is not an RFC 3339 date-time" % node.text)
    for author in element.findall(ATOM + "author"):
        name = author.find(ATOM + "name")
        if name is None or not (name.text or "").strip():
            say(where, "an atom:author without a name")
    alternates = set()
    for link in element.findall(ATOM + "link"):
        if not link.get("href"):
            say(where, "an atom:link without href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                say(where, "two alternate links of one type and language")
            alternates.add(key)
    for category in element.findall(ATOM + "category"):
        if not category.get("term"):
            say(where, "an atom:category without term")
    return alternates


def main():
    try:
        feed = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as e:
        print("%s: not well-formed: %s" % (sys.argv[1], e))
        return 1
    if feed.tag != ATOM + "feed":
        print("%s: the root is %s, not atom:feed" % (sys.argv[1], feed.tag))
        return 1
    common(feed, "feed")
    feed_author = feed.find(ATOM + "author") is not None
    entries = feed.findall(ATOM + "entry")
    for n, entry in enumerate(entries, 1):
        where = "entry %d" % n
        alternates = common(entry, where)
        if not feed_author and entry.find(ATOM + "author") is None:
            say(where, "has no atom:author, nor has the feed")
        contents = entry.findall(ATOM + "content")
        summaries = entry.findall(ATOM + "summary")
        if len(contents) > 1 or len(summaries) > 1:
            say(where, "has more than one atom:content or atom:summary")
        if not contents and not summaries:
            say(where, "has neither atom:content nor atom:summary")
        if summaries:
            text_construct(entry, "summary", where)
        if not alternates:
            say(where, "has no alternate atom:link")
    for line in problems:
        print(line)
    if problems:
        return 1
    print("%d entries" % len(entries))
    return 0


sys.exit(main())
