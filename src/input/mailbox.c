/* mailbox.c: the mailboxes `reinject` reads. An mbox is mapped and cut at
 * its From_ lines by libetpan's mailmbox parser, then checked the way mail
 * readers must (a From_ line has a date; Content-Length wins when it is
 * right; a From_ line that lost its blank line still starts a message).
 * MMDF and files without separators are cut here, and Maildir and MH
 * folders listed here. Only offsets and names are kept, never text. */

/* memfd_create() and strverscmp() are GNU extensions. */
#define _GNU_SOURCE 1

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libetpan/mailmbox.h>

#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "input/mailbox.h"
#include "base/util.h"

/* libetpan exports the parser of its mailmbox_parse.h but does not install
 * that header. This is the declaration from it, unchanged since 2003: it
 * indexes the messages of folder->mb_mapping from *indx on into
 * folder->mb_tab. */
int mailmbox_parse_additionnal (struct mailmbox_folder *folder, size_t *indx);

/* How long we wait for a writer (an MTA appending) to release an mbox. */
#define LOCK_WAIT_STEPS 100
#define LOCK_WAIT_STEP_US 100000
/* How much of a Maildir or MH file we read to find its header fields: the
 * header block, which is seldom more than a few kilobytes. */
#define MAX_HEADER_BYTES (256 * 1024)
/* A header value longer than this is not worth keeping for a date. */
#define MAX_VALUE_BYTES 4096
#define CHUNK 65536

static const char MMDF_SEPARATOR[] = "\001\001\001\001";
static const char UTF8_BOM[] = "\xef\xbb\xbf";

/* One message of a mailbox file. */
typedef struct {
	gsize envelope;          /* its From_ line, or G_MAXSIZE for none */
	gsize start;             /* its first byte (after the From_ line) */
	gsize end;               /* one past its last byte */
	gboolean unescape;       /* undo mboxrd quoting when reading it */
} Span;

struct MailboxSource {
	char *name;              /* as given */
	char *path;              /* the file or directory read */
	char *tmp_path;          /* standard input's copy, removed at close */
	MailboxFormat format;

	/* Files: the mapping and the messages in it. */
	struct mailmbox_folder *folder;  /* mbox, through libetpan */
	GMappedFile *mapped;             /* MMDF and headers */
	const char *data;
	gsize size;
	GArray *spans;                   /* Span */

	/* Directories: the message files, in order. */
	GPtrArray *files;                /* char* */

	gsize released;                  /* the pages before it are given back */
	guint next;                      /* index of the next message */
	gint64 last_date;                /* for messages without a date */
};

/* ------------------------------------------------------------------ */
/* Lines and header fields in a buffer */

/* The offset just past the line that starts at @pos (past its LF), or
 * @end when it has none. */
static gsize
line_after (const char *d, gsize pos, gsize end)
{
	const char *nl = memchr (d + pos, '\n', end - pos);

	return nl != NULL ? (gsize) (nl - d) + 1 : end;
}

/* A line of nothing but white space (CR included). */
static gboolean
line_is_blank (const char *d, gsize pos, gsize eol)
{
	for (gsize i = pos; i < eol; i++)
		if (d[i] != '\n' && d[i] != '\r' && d[i] != ' ' && d[i] != '\t')
			return FALSE;
	return TRUE;
}

/* A header field line: a name and a colon. The name is what RFC 5322
 * allows (printable characters other than ':'), or with @strict only
 * letters, digits and '-', what real header names are made of; strict
 * keeps a stray line such as "<ftp://host/file>" from passing for one. */
static gboolean
line_is_header (const char *d, gsize pos, gsize eol, gboolean strict)
{
	gsize i;

	for (i = pos; i < eol && d[i] != ':'; i++) {
		guchar c = (guchar) d[i];

		if (strict ? !(g_ascii_isalnum (c) || c == '-') : (c < 33 || c > 126))
			return FALSE;
	}
	return i > pos && i < eol;
}

static gboolean
line_is_continuation (const char *d, gsize pos, gsize eol)
{
	return pos < eol && (d[pos] == ' ' || d[pos] == '\t') && !line_is_blank (d, pos, eol);
}

static gboolean
line_is_mmdf_separator (const char *d, gsize pos, gsize eol)
{
	gsize n = eol - pos;

	if (n < 4 || memcmp (d + pos, MMDF_SEPARATOR, 4) != 0)
		return FALSE;
	return line_is_blank (d, pos + 4, eol);
}

/* The header fields a mailbox reader wants, first occurrence of each. */
typedef struct {
	char *date;
	char *received;          /* the topmost one */
	char *return_path;
	char *original_to;
	char *delivered_to;
	char *content_length;
} Fields;

static void
fields_clear (Fields *f)
{
	g_free (f->date);
	g_free (f->received);
	g_free (f->return_path);
	g_free (f->original_to);
	g_free (f->delivered_to);
	g_free (f->content_length);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fields, fields_clear)

/* The unfolded value of the field whose first line is [pos, eol), with its
 * continuation lines up to @end; sets *next past them. */
static char *
field_value (const char *d, gsize name_len, gsize pos, gsize eol, gsize end, gsize *next)
{
	GString *value = g_string_new (NULL);

	g_string_append_len (value, d + pos + name_len + 1, MIN (eol - pos - name_len - 1, MAX_VALUE_BYTES));
	for (pos = eol; pos < end; pos = eol) {
		eol = line_after (d, pos, end);
		if (!line_is_continuation (d, pos, eol))
			break;
		if (value->len < MAX_VALUE_BYTES)
			g_string_append_len (value, d + pos, MIN (eol - pos, MAX_VALUE_BYTES));
	}
	*next = pos;
	g_strdelimit (value->str, "\r\n\t", ' ');
	g_strstrip (value->str);
	return g_string_free (value, FALSE);
}

/* Reads the header block at @pos (up to its blank line or @end) once. */
static void
read_fields (const char *d, gsize pos, gsize end, Fields *f)
{
	static const struct {
		const char *name;
		gsize offset;
	} wanted[] = {
		{ "date", G_STRUCT_OFFSET (Fields, date) },
		{ "received", G_STRUCT_OFFSET (Fields, received) },
		{ "return-path", G_STRUCT_OFFSET (Fields, return_path) },
		{ "x-original-to", G_STRUCT_OFFSET (Fields, original_to) },
		{ "delivered-to", G_STRUCT_OFFSET (Fields, delivered_to) },
		{ "content-length", G_STRUCT_OFFSET (Fields, content_length) },
	};

	while (pos < end) {
		gsize eol = line_after (d, pos, end);
		gsize next = eol;

		if (line_is_blank (d, pos, eol))
			break;
		for (gsize i = 0; i < G_N_ELEMENTS (wanted); i++) {
			gsize n = strlen (wanted[i].name);
			char **slot = G_STRUCT_MEMBER_P (f, wanted[i].offset);

			if (eol - pos > n && d[pos + n] == ':'
			    && g_ascii_strncasecmp (d + pos, wanted[i].name, n) == 0) {
				if (*slot == NULL)
					*slot = field_value (d, n, pos, eol, end, &next);
				break;
			}
		}
		pos = next;
	}
}

/* The offset of the body of the message at @pos: just past the blank line
 * that ends its header block, or @end. */
static gsize
body_offset (const char *d, gsize pos, gsize end)
{
	while (pos < end) {
		gsize eol = line_after (d, pos, end);

		if (line_is_blank (d, pos, eol))
			return eol;
		pos = eol;
	}
	return end;
}

/* Unix time of an RFC 5322 date (or one of the broken forms GMime
 * understands, asctime's among them); 0 when there is none. */
static gint64
decode_date (const char *text, gboolean *valid)
{
	g_autoptr (GDateTime) date = NULL;

	if (valid != NULL)
		*valid = FALSE;
	if (text == NULL || *text == '\0')
		return 0;
	gmime_util_init ();
	date = g_mime_utils_header_decode_date (text);
	if (date == NULL)
		return 0;
	if (valid != NULL)
		*valid = TRUE;
	return MAX (g_date_time_to_unix (date), 0);
}

/* The date at the end of a Received field, after its last ';'. */
static gint64
received_date (const char *received)
{
	const char *semicolon = received != NULL ? strrchr (received, ';') : NULL;

	return semicolon != NULL ? decode_date (semicolon + 1, NULL) : 0;
}

/* Whether the line at @pos (of a buffer ending at @end) is an mbox From_
 * line: "From ", the envelope sender, and the time of arrival as MTAs write
 * it ("From sender@example.org Fri Jul  8 08:00:00 2016"). Some writers
 * leave the date out (Mozilla's "From -", Gmail's "From 1844...@xxx"):
 * then the sender must be "-" or one word with an '@', and a header field
 * must follow. Body text that starts with "From " ("From Russia with
 * love", "From time to time") is neither. Sets *sender (newly allocated;
 * "" for MAILER-DAEMON, the null sender; NULL for "-") and *date (0 when
 * unknown) when given. */
static gboolean
parse_from_line (const char *d, gsize pos, gsize end, char **sender, gint64 *date)
{
	gsize eol = line_after (d, pos, end);
	g_autofree char *line = NULL;
	g_auto (GStrv) words = NULL;
	gboolean valid = FALSE;
	gint64 when = 0;
	const char *rest;

	if (eol - pos < 6 || memcmp (d + pos, "From ", 5) != 0)
		return FALSE;
	line = g_strndup (d + pos + 5, MIN (eol - pos - 5, (gsize) 1024));
	g_strdelimit (line, "\r\n", ' ');
	g_strstrip (line);
	words = g_strsplit (line, " ", 2);
	if (words[0] == NULL || words[0][0] == '\0')
		return FALSE;
	rest = words[1] != NULL ? g_strstrip (words[1]) : "";
	when = decode_date (rest, &valid);
	if (!valid && *rest == '\0'
	    && (strcmp (words[0], "-") == 0
	        || (strchr (words[0], '@') != NULL && strpbrk (words[0], ":<>") == NULL)))
		valid = eol < end && line_is_header (d, eol, line_after (d, eol, end), FALSE);
	if (!valid)
		return FALSE;
	if (sender != NULL) {
		if (strcmp (words[0], "-") == 0)
			*sender = NULL;
		else if (g_ascii_strcasecmp (words[0], "MAILER-DAEMON") == 0)
			*sender = g_strdup ("");
		else
			*sender = g_strdup (words[0]);
	}
	if (date != NULL)
		*date = when;
	return TRUE;
}

/* The offset of the first line of @d that is not blank, skipping a UTF-8
 * byte order mark. */
static gsize
first_content (const char *d, gsize size)
{
	gsize pos = 0;

	if (size >= 3 && memcmp (d, UTF8_BOM, 3) == 0)
		pos = 3;
	while (pos < size) {
		gsize eol = line_after (d, pos, size);

		if (!line_is_blank (d, pos, eol))
			break;
		pos = eol;
	}
	return pos;
}

/* @end less the one blank line that a mailbox writes after each message,
 * when the bytes before @end finish with one. */
static gsize
drop_separator_line (const char *d, gsize start, gsize end)
{
	gsize e = end;

	if (e > start && d[e - 1] == '\n') {
		gsize line = e - 1;

		if (line > start && d[line - 1] == '\r')
			line--;
		/* [line, e) is a line break; it is a blank line when the
		 * character before it ends a line too. */
		if (line > start && d[line - 1] == '\n')
			return line;
	}
	return end;
}

/* ------------------------------------------------------------------ */
/* The resident size of a mapping */

/* Every page of a mapping that has been read counts in the resident size
 * until it is unmapped, although it is only a page of the file in the page
 * cache: reading a 591 MB mbox would take 591 MB of RSS. The mappings are
 * read-only and private (libetpan maps an mbox opened read-only so, and
 * GMappedFile too), so giving their pages back (MADV_DONTNEED) loses
 * nothing: a page read again comes back from the file. */

/* How far from the pages a read touched the kernel may have mapped
 * others with them: its fault-around window (64 KiB by default), or with
 * the large folios of recent kernels (ext4 since Linux 6.16) the whole
 * folio, up to 2 MiB. Pages behind the ones given back, mapped by the
 * next message's first read, stayed resident: 31 MiB of the 591 MB bench
 * mbox after the 2,000 messages had been listed. */
#define MAPPED_AROUND (2 * 1024 * 1024)

/* A mapping smaller than this is cut without the helper thread. */
#define RELEASE_THREAD_MIN (1024 * 1024)
/* How often the helper thread gives the pages back. */
#define RELEASE_INTERVAL_US 2000

/* Gives back the whole pages of the mapping before @offset. */
static void
release_before (MailboxSource *src, gsize offset)
{
	gsize page = (gsize) sysconf (_SC_PAGESIZE);
	gsize end = offset / page * page;

	gsize from = src->released > MAPPED_AROUND ? src->released - MAPPED_AROUND : 0;

	if (src->size == 0 || (guintptr) src->data % page != 0 || end <= src->released)
		return;
	from = from / page * page;
	(void) madvise ((void *) (src->data + from), end - from, MADV_DONTNEED);
	src->released = end;
}

/* Gives back the pages of the mapping that hold [@start, @end): once a
 * message has been copied out, in whatever order they are read. */
static void
release_span (const MailboxSource *src, gsize start, gsize end)
{
	gsize page = (gsize) sysconf (_SC_PAGESIZE);
	gsize first = start / page * page;

	if (src->size == 0 || (guintptr) src->data % page != 0 || end <= first)
		return;
	(void) madvise ((void *) (src->data + first), end - first, MADV_DONTNEED);
}

/* libetpan's parse and the cutting read the whole mapping in calls that
 * return only at its end; meanwhile a helper thread gives its pages back
 * every RELEASE_INTERVAL_US (what a page the parser is reading costs is one
 * more page fault). */
typedef struct {
	void *data;
	gsize size;
	gint stop;
} Releaser;

static gpointer
release_loop (gpointer data)
{
	Releaser *releaser = data;

	while (!g_atomic_int_get (&releaser->stop)) {
		(void) madvise (releaser->data, releaser->size, MADV_DONTNEED);
		g_usleep (RELEASE_INTERVAL_US);
	}
	return NULL;
}

static GThread *
releaser_start (Releaser *releaser, const MailboxSource *src)
{
	gsize page = (gsize) sysconf (_SC_PAGESIZE);

	releaser->data = (void *) src->data;
	releaser->size = src->size;
	releaser->stop = 0;
	if (src->size < RELEASE_THREAD_MIN || (guintptr) src->data % page != 0)
		return NULL;
	return g_thread_try_new ("liaison-release", release_loop, releaser, NULL);
}

/* Stops the thread and gives the last pages back. */
static void
releaser_stop (Releaser *releaser, GThread *thread)
{
	if (thread == NULL)
		return;
	g_atomic_int_set (&releaser->stop, 1);
	g_thread_join (thread);
	(void) madvise (releaser->data, releaser->size, MADV_DONTNEED);
}

/* ------------------------------------------------------------------ */
/* Cutting files */

static void
add_span (MailboxSource *src, gsize envelope, gsize start, gsize end, gboolean unescape)
{
	Span span = { envelope, start, end, unescape };

	if (end > start)
		g_array_append_val (src->spans, span);
}

/* A candidate start of a message in an mbox: the offset of its From_ line. */
typedef struct {
	gsize from_line;
	gsize start;             /* past the From_ line */
	gsize end;               /* set by Content-Length, else 0 */
} Cut;

static gint
cut_compare (gconstpointer a, gconstpointer b)
{
	const Cut *x = a, *y = b;

	return x->from_line < y->from_line ? -1 : x->from_line > y->from_line;
}

/* Whether a Content-Length of the message at @cut is right: its body then
 * ends at the end of the file, or just before a blank line and a From_ line
 * (or before the From_ line itself). Returns the end, or 0. */
static gsize
content_length_end (const char *d, gsize size, const Cut *cut, gsize limit)
{
	g_auto (Fields) fields = { 0 };
	gsize body, end, pos;
	guint64 length;
	char *tail;

	read_fields (d, cut->start, limit, &fields);
	if (fields.content_length == NULL)
		return 0;
	errno = 0;
	length = g_ascii_strtoull (fields.content_length, &tail, 10);
	if (errno != 0 || tail == fields.content_length || *tail != '\0')
		return 0;
	body = body_offset (d, cut->start, size);
	if (length > size - body)
		return 0;
	end = body + length;
	if (end == size)
		return end;
	/* The blank line that separates messages, or none, or two. */
	pos = end;
	for (int lines = 0; lines < 3 && pos < size; lines++) {
		gsize eol = line_after (d, pos, size);

		if (parse_from_line (d, pos, size, NULL, NULL))
			return end;
		if (!line_is_blank (d, pos, eol))
			return 0;
		pos = eol;
	}
	return pos == size ? end : 0;
}

/* Cuts an mbox: libetpan's parser finds the From_ lines that follow a blank
 * line; the ones without a date are body text and are dropped; a From_ line
 * right after a line of text still starts a message when a header field
 * follows it (mailboxes written without the blank line); and a message
 * whose Content-Length lands on the next From_ line (or the end) keeps the
 * From_ lines inside its body as text. The rest is mboxrd-quoted text, read
 * back with one '>' less on ">From " lines. */
static gboolean
cut_mbox (MailboxSource *src, gsize first, GError **error)
{
	const char *d = src->data;
	gsize size = src->size;
	g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (Cut));
	g_autoptr (GHashTable) known = g_hash_table_new (g_direct_hash, g_direct_equal);
	size_t index = first;
	gboolean in_headers;
	int r;

	r = mailmbox_parse_additionnal (src->folder, &index);
	if (r != MAILMBOX_NO_ERROR) {
		g_set_error (error, LIAISON_ERROR, r == MAILMBOX_ERROR_MEMORY ? LIAISON_ERROR_NOMEM
		             : LIAISON_ERROR_FAILED, "%s: libetpan cannot parse it as an mbox (error %d)",
		             src->name, r);
		return FALSE;
	}
	for (guint i = 0; i < carray_count (src->folder->mb_tab); i++) {
		struct mailmbox_msg_info *info = carray_get (src->folder->mb_tab, i);
		Cut cut;

		if (info == NULL)
			continue;
		/* The first message starts the mailbox whatever its line says;
		 * the others need a real From_ line. */
		if (cuts->len > 0 && !parse_from_line (d, info->msg_start, size, NULL, NULL))
			continue;
		cut.from_line = info->msg_start;
		cut.start = info->msg_start + info->msg_start_len;
		cut.end = 0;
		g_array_append_val (cuts, cut);
		g_hash_table_add (known, GSIZE_TO_POINTER (cut.from_line + 1));
	}

	/* From_ lines that libetpan passed over because no blank line comes
	 * before them: in a body (never in a header block, where "From :" is
	 * a broken header field), followed by a header field. */
	in_headers = TRUE;
	for (gsize pos = first, prev = G_MAXSIZE; pos < size; ) {
		gsize eol = line_after (d, pos, size);

		if (g_hash_table_contains (known, GSIZE_TO_POINTER (pos + 1))) {
			in_headers = TRUE;
		} else if (d[pos] == 'F' && !in_headers && prev != G_MAXSIZE && !line_is_blank (d, prev, pos)
		           && parse_from_line (d, pos, size, NULL, NULL) && eol < size
		           && line_is_header (d, eol, line_after (d, eol, size), FALSE)) {
			Cut cut = { pos, eol, 0 };

			g_array_append_val (cuts, cut);
			in_headers = TRUE;
		} else if (line_is_blank (d, pos, eol)) {
			in_headers = FALSE;
		}
		prev = pos;
		pos = eol;
	}
	g_array_sort (cuts, cut_compare);

	/* Content-Length, when it is right, wins over the From_ lines inside. */
	for (guint i = 0; i < cuts->len; i++) {
		Cut *cut = &g_array_index (cuts, Cut, i);
		gsize limit = i + 1 < cuts->len ? g_array_index (cuts, Cut, i + 1).from_line : size;
		gsize end = content_length_end (d, size, cut, limit);

		if (end == 0)
			continue;
		cut->end = end;
		while (i + 1 < cuts->len && g_array_index (cuts, Cut, i + 1).from_line < end)
			g_array_remove_index (cuts, i + 1);
	}

	for (guint i = 0; i < cuts->len; i++) {
		const Cut *cut = &g_array_index (cuts, Cut, i);
		gsize next = i + 1 < cuts->len ? g_array_index (cuts, Cut, i + 1).from_line : size;
		gboolean has_from = cut->start > cut->from_line;

		if (cut->end != 0)
			add_span (src, has_from ? cut->from_line : G_MAXSIZE, cut->start, cut->end, FALSE);
		else
			add_span (src, has_from ? cut->from_line : G_MAXSIZE, cut->start,
			          drop_separator_line (d, cut->start, next), TRUE);
	}
	return TRUE;
}

/* Cuts an MMDF mailbox: each message sits between two lines of four ^A. */
static void
cut_mmdf (MailboxSource *src, gsize first)
{
	const char *d = src->data;
	gsize size = src->size;
	gsize start = first;

	for (gsize pos = first; pos < size; ) {
		gsize eol = line_after (d, pos, size);

		if (line_is_mmdf_separator (d, pos, eol)) {
			if (!line_is_blank (d, start, pos))
				add_span (src, G_MAXSIZE, start, pos, FALSE);
			start = eol;
		}
		pos = eol;
	}
	if (start < size && !line_is_blank (d, start, size))
		add_span (src, G_MAXSIZE, start, size, FALSE);
}

/* A line that may be what is left of an envelope line before a header
 * block: one word ("2005", "<ftp://host/file>"). Quoting markers such as
 * "-----Original Message-----" or "---------- Forwarded message ---------"
 * are not. */
static gboolean
envelope_remnant (const char *d, gsize pos, gsize eol)
{
	if (pos >= eol || d[pos] == '-' || d[pos] == '>')
		return FALSE;
	for (gsize i = pos; i < eol; i++)
		if (d[i] == ' ' || d[i] == '\t')
			return FALSE;
	return TRUE;
}

/* Whether a message starts at @pos in a file without separators: a block
 * of header fields, optionally after one line that is not one (what is
 * left of an envelope line, such as a bare year), with at least a From and
 * a Date field. Sets *start to its first header line. */
static gboolean
headers_block_at (const char *d, gsize pos, gsize size, gsize *start)
{
	gsize eol = line_after (d, pos, size);
	gboolean from = FALSE, date = FALSE;
	guint fields = 0;

	if (!line_is_header (d, pos, eol, TRUE)) {
		/* One line of envelope, then header fields. */
		if (!envelope_remnant (d, pos, eol))
			return FALSE;
		pos = eol;
		if (pos >= size || !line_is_header (d, pos, line_after (d, pos, size), TRUE))
			return FALSE;
	}
	*start = pos;
	while (pos < size) {
		eol = line_after (d, pos, size);
		if (line_is_blank (d, pos, eol))
			break;
		if (line_is_header (d, pos, eol, TRUE)) {
			fields++;
			from = from || g_ascii_strncasecmp (d + pos, "from:", 5) == 0;
			date = date || g_ascii_strncasecmp (d + pos, "date:", 5) == 0;
		} else if (!line_is_continuation (d, pos, eol)) {
			return FALSE;
		}
		pos = eol;
	}
	return fields >= 2 && from && date;
}

/* Cuts a file of messages without separator lines (old list archives): a
 * message starts at the top, and wherever a blank line is followed by a
 * header block with From and Date fields. A message quoting another with
 * its header block after a blank line is cut there too: nothing tells the
 * two apart in such a file. */
static void
cut_headers (MailboxSource *src, gsize first)
{
	const char *d = src->data;
	gsize size = src->size;
	gsize start = first, header;
	gboolean blank = FALSE;

	/* The first message starts at the first line, or after one line of
	 * envelope when header fields follow it. */
	if (!line_is_header (d, first, line_after (d, first, size), TRUE)) {
		gsize second = line_after (d, first, size);

		if (second < size && line_is_header (d, second, line_after (d, second, size), TRUE))
			start = second;
	}
	for (gsize pos = start; pos < size; ) {
		gsize eol = line_after (d, pos, size);

		if (blank && !line_is_blank (d, pos, eol) && headers_block_at (d, pos, size, &header)) {
			add_span (src, G_MAXSIZE, start, drop_separator_line (d, start, pos), FALSE);
			start = header;
			pos = header;
			blank = FALSE;
			continue;
		}
		blank = line_is_blank (d, pos, eol);
		pos = eol;
	}
	if (start < size && !line_is_blank (d, start, size))
		add_span (src, G_MAXSIZE, start, size, FALSE);
}

/* ------------------------------------------------------------------ */
/* Opening */

/* Takes a shared lock on an mbox, so that nobody rewrites it while we
 * read; an MTA appending holds an exclusive lock for a moment. File systems
 * without locks are read without. */
static gboolean
lock_shared (int fd, const char *name, GError **error)
{
	struct flock lock;

	memset (&lock, 0, sizeof lock);
	lock.l_type = F_RDLCK;
	lock.l_whence = SEEK_SET;
	for (int i = 0; i < LOCK_WAIT_STEPS; i++) {
		if (fcntl (fd, F_SETLK, &lock) == 0)
			return TRUE;
		if (errno != EACCES && errno != EAGAIN)
			return TRUE;
		g_usleep (LOCK_WAIT_STEP_US);
	}
	g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_BUSY,
	             "%s: locked by another program for %d seconds", name,
	             LOCK_WAIT_STEPS * LOCK_WAIT_STEP_US / 1000000);
	return FALSE;
}

static gboolean
open_mbox (MailboxSource *src, GError **error)
{
	struct stat st;
	int r;

	src->folder = mailmbox_folder_new (src->path);
	if (src->folder == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOMEM, "%s: out of memory", src->name);
		return FALSE;
	}
	src->folder->mb_read_only = TRUE;
	src->folder->mb_no_uid = TRUE;
	/* mailmbox_init() would take libetpan's lock, which creates a dot-lock
	 * file beside the mailbox: we only read, and take a shared fcntl lock. */
	errno = 0;
	r = mailmbox_open (src->folder);
	if (r != MAILMBOX_NO_ERROR) {
		liaison_set_errno (error, errno != 0 ? errno : ENOENT, src->name);
		return FALSE;
	}
	if (!lock_shared (src->folder->mb_fd, src->name, error))
		return FALSE;
	if (fstat (src->folder->mb_fd, &st) < 0) {
		liaison_set_errno (error, errno, src->name);
		return FALSE;
	}
	if (st.st_size == 0)
		return TRUE;
	errno = 0;
	r = mailmbox_map (src->folder);
	if (r != MAILMBOX_NO_ERROR) {
		liaison_set_errno (error, errno != 0 ? errno : EIO, src->name);
		return FALSE;
	}
	src->data = src->folder->mb_mapping;
	src->size = src->folder->mb_mapping_size;
	{
		Releaser releaser;
		GThread *thread = releaser_start (&releaser, src);
		gboolean ok = cut_mbox (src, first_content (src->data, src->size), error);

		releaser_stop (&releaser, thread);
		return ok;
	}
}

/* Tells an mbox, an MMDF mailbox and a file of bare messages apart by their
 * first line that is not blank, and cuts them. */
static gboolean
open_file (MailboxSource *src, GError **error)
{
	g_autoptr (GError) local = NULL;
	gsize first, eol;

	src->mapped = g_mapped_file_new (src->path, FALSE, &local);
	if (src->mapped == NULL) {
		int errsv = g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? ENOENT : EIO;

		g_set_error (error, LIAISON_ERROR, errsv == ENOENT ? LIAISON_ERROR_NOT_FOUND : LIAISON_ERROR_IO,
		             "%s", local->message);
		return FALSE;
	}
	src->data = g_mapped_file_get_contents (src->mapped);
	src->size = g_mapped_file_get_length (src->mapped);
	if (src->data == NULL || src->size == 0) {
		/* An empty mailbox holds no messages. */
		src->data = "";
		src->size = 0;
		src->format = MAILBOX_FORMAT_MBOX;
		return TRUE;
	}
	first = first_content (src->data, src->size);
	eol = line_after (src->data, first, src->size);
	if (first < src->size && eol - first >= 5 && memcmp (src->data + first, "From ", 5) == 0) {
		/* libetpan maps the file itself. */
		g_clear_pointer (&src->mapped, g_mapped_file_unref);
		src->data = NULL;
		src->size = 0;
		src->format = MAILBOX_FORMAT_MBOX;
		return open_mbox (src, error);
	}
	if (line_is_mmdf_separator (src->data, first, eol)) {
		src->format = MAILBOX_FORMAT_MMDF;
		cut_mmdf (src, first);
	} else {
		src->format = MAILBOX_FORMAT_HEADERS;
		if (first < src->size)
			cut_headers (src, first);
	}
	return TRUE;
}

static gint
compare_basenames (gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *) a, *y = *(const char *const *) b;
	const char *bx = strrchr (x, '/'), *by = strrchr (y, '/');

	return strverscmp (bx != NULL ? bx + 1 : x, by != NULL ? by + 1 : y);
}

static gboolean
is_regular (const char *path)
{
	struct stat st;

	return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

/* Lists a Maildir's cur/ and new/ (tmp/ holds deliveries in progress),
 * skipping dot files. libetpan's maildir_update() would do the same but
 * also creates a "maildirfolder" file in the Maildir, which marks a
 * Maildir++ subfolder and must not appear in a mail store we only read. */
static gboolean
open_maildir (MailboxSource *src, GError **error)
{
	static const char *const subdirs[] = { "cur", "new" };

	src->files = g_ptr_array_new_with_free_func (g_free);
	for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		g_autofree char *dir = g_build_filename (src->path, subdirs[i], NULL);
		g_autoptr (GError) local = NULL;
		g_autoptr (GDir) listing = NULL;
		const char *name;

		if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
			continue;
		listing = g_dir_open (dir, 0, &local);
		if (listing == NULL) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO, "%s", local->message);
			return FALSE;
		}
		while ((name = g_dir_read_name (listing)) != NULL) {
			char *path;

			if (name[0] == '.')
				continue;
			path = g_build_filename (dir, name, NULL);
			if (is_regular (path))
				g_ptr_array_add (src->files, path);
			else
				g_free (path);
		}
	}
	g_ptr_array_sort (src->files, compare_basenames);
	return TRUE;
}

/* The message number of an MH file name ("12"), or 0 when the name is not
 * all digits. */
static guint
mh_number (const char *name)
{
	guint64 n;
	char *end;

	if (!g_ascii_isdigit (name[0]))
		return 0;
	n = g_ascii_strtoull (name, &end, 10);
	return *end == '\0' && n <= G_MAXUINT ? (guint) n : 0;
}

/* Lists an MH folder: its files named by a number, in numeric order.
 * libetpan's mailmh_folder_update() would list them too, but it creates a
 * .mh_sequences file in a folder without one, and we write nothing into a
 * mailbox we read (running as root, even a read-only folder would get it). */
static gboolean
open_mh (MailboxSource *src, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (GDir) listing = g_dir_open (src->path, 0, &local);
	const char *name;

	if (listing == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_IO, "%s", local->message);
		return FALSE;
	}
	src->files = g_ptr_array_new_with_free_func (g_free);
	while ((name = g_dir_read_name (listing)) != NULL) {
		char *path;

		if (mh_number (name) == 0)
			continue;
		path = g_build_filename (src->path, name, NULL);
		if (is_regular (path))
			g_ptr_array_add (src->files, path);
		else
			g_free (path);
	}
	g_ptr_array_sort (src->files, compare_basenames);
	return TRUE;
}

/* Whether @dir holds a file whose name is a number. */
static gboolean
has_numbered_file (const char *dir)
{
	g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
	const char *name;

	if (listing == NULL)
		return FALSE;
	while ((name = g_dir_read_name (listing)) != NULL) {
		g_autofree char *path = NULL;

		if (mh_number (name) == 0)
			continue;
		path = g_build_filename (dir, name, NULL);
		if (is_regular (path))
			return TRUE;
	}
	return FALSE;
}

/* Copies standard input into a temporary file under @tmp_dir. */
static char *
spool_stdin (const char *tmp_dir, GError **error)
{
	g_autofree char *path = NULL;
	g_autofree char *buf = g_malloc (CHUNK);
	int fd;

	if (g_mkdir_with_parents (tmp_dir, 0750) < 0) {
		liaison_set_errno (error, errno, tmp_dir);
		return NULL;
	}
	path = g_build_filename (tmp_dir, "stdin.XXXXXX", NULL);
	fd = guard_mkstemp (path, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		liaison_set_errno (error, errno, "creating a temporary file for standard input");
		return NULL;
	}
	for (;;) {
		ssize_t n = read (STDIN_FILENO, buf, CHUNK);
		const char *p = buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			liaison_set_errno (error, errno, "reading standard input");
			goto fail;
		}
		if (n == 0)
			break;
		while (n > 0) {
			ssize_t w = write (fd, p, (gsize) n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				liaison_set_errno (error, errno, "copying standard input");
				goto fail;
			}
			p += w;
			n -= w;
		}
	}
	close (fd);
	return g_steal_pointer (&path);

fail:
	close (fd);
	(void) unlink (path);
	guard_forget_path (path);
	return NULL;
}

MailboxSource *
mailbox_source_open (const char *name, const char *tmp_dir, GError **error)
{
	g_autoptr (MailboxSource) src = NULL;
	struct stat st;

	g_return_val_if_fail (name != NULL, NULL);

	src = g_new0 (MailboxSource, 1);
	src->name = g_strdup (name);
	src->spans = g_array_new (FALSE, FALSE, sizeof (Span));
	if (strcmp (name, "-") == 0) {
		src->tmp_path = spool_stdin (tmp_dir != NULL ? tmp_dir : g_get_tmp_dir (), error);
		if (src->tmp_path == NULL)
			return NULL;
		src->path = g_strdup (src->tmp_path);
	} else {
		src->path = g_strdup (name);
	}

	if (stat (src->path, &st) < 0) {
		liaison_set_errno (error, errno, name);
		return NULL;
	}
	if (S_ISDIR (st.st_mode)) {
		g_autofree char *cur = g_build_filename (src->path, "cur", NULL);
		g_autofree char *new = g_build_filename (src->path, "new", NULL);

		if (g_file_test (cur, G_FILE_TEST_IS_DIR) || g_file_test (new, G_FILE_TEST_IS_DIR)) {
			src->format = MAILBOX_FORMAT_MAILDIR;
			if (!open_maildir (src, error))
				return NULL;
		} else if (has_numbered_file (src->path)) {
			src->format = MAILBOX_FORMAT_MH;
			if (!open_mh (src, error))
				return NULL;
		} else {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
			             "%s: not a mailbox: a directory that is neither a Maildir "
			             "(cur/, new/) nor an MH folder (numbered files)", name);
			return NULL;
		}
	} else if (S_ISREG (st.st_mode)) {
		if (!open_file (src, error))
			return NULL;
	} else {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED,
		             "%s: not a mailbox: neither a file nor a directory", name);
		return NULL;
	}
	return g_steal_pointer (&src);
}

void
mailbox_source_close (MailboxSource *src)
{
	if (src == NULL)
		return;
	if (src->folder != NULL) {
		if (src->folder->mb_mapping != NULL)
			mailmbox_unmap (src->folder);
		if (src->folder->mb_fd >= 0)
			mailmbox_close (src->folder);
		mailmbox_folder_free (src->folder);
	}
	g_clear_pointer (&src->mapped, g_mapped_file_unref);
	if (src->tmp_path != NULL) {
		(void) unlink (src->tmp_path);
		guard_forget_path (src->tmp_path);
		g_free (src->tmp_path);
	}
	if (src->spans != NULL)
		g_array_unref (src->spans);
	if (src->files != NULL)
		g_ptr_array_unref (src->files);
	g_free (src->name);
	g_free (src->path);
	g_free (src);
}

const char *
mailbox_source_name (const MailboxSource *src)
{
	return src->name;
}

MailboxFormat
mailbox_source_format (const MailboxSource *src)
{
	return src->format;
}

const char *
mailbox_format_to_string (MailboxFormat format)
{
	switch (format) {
	case MAILBOX_FORMAT_MBOX:
		return "mbox";
	case MAILBOX_FORMAT_MMDF:
		return "mmdf";
	case MAILBOX_FORMAT_HEADERS:
		return "headers";
	case MAILBOX_FORMAT_MAILDIR:
		return "maildir";
	case MAILBOX_FORMAT_MH:
		return "mh";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Entries */

void
mailbox_entry_free (MailboxEntry *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->envelope_sender);
	g_free (entry->envelope_recipient);
	g_free (entry->path);
	g_free (entry);
}

/* An address from a Return-Path or Delivered-To value: without <> and
 * white space; "" for "<>". */
static char *
bare_address (const char *value)
{
	g_autofree char *copy = NULL;
	char *p;

	if (value == NULL)
		return NULL;
	copy = g_strdup (value);
	p = g_strstrip (copy);
	if (*p == '<') {
		char *close = strchr (p, '>');

		p++;
		if (close != NULL)
			*close = '\0';
	}
	p = g_strstrip (p);
	if (strchr (p, ' ') != NULL || strchr (p, ',') != NULL)
		return NULL;
	return g_strdup (p);
}

/* Fills the dates and the envelope of @entry from its header block and
 * From_ line. @fallback is a time to use when nothing else gives one
 * (the Maildir name's time, the file's), 0 for none. */
static void
describe_entry (MailboxSource *src, MailboxEntry *entry, const char *d, gsize header,
                gsize end, gboolean has_from_line, gsize from_line, gint64 envelope_time,
                gint64 fallback)
{
	g_auto (Fields) fields = { 0 };
	g_autofree char *sender = NULL;
	gint64 from_date = 0, date;

	if (has_from_line)
		(void) parse_from_line (d, from_line, end, &sender, &from_date);
	read_fields (d, header, end, &fields);

	/* The Maildir name's time is exact; the topmost Received field is our
	 * own MTA's, with its time zone; a From_ line has the local time of an
	 * unknown zone; the Date field is the sender's clock. */
	date = decode_date (fields.date, NULL);
	entry->arrival = envelope_time;
	if (entry->arrival <= 0)
		entry->arrival = received_date (fields.received);
	if (entry->arrival <= 0)
		entry->arrival = from_date;
	if (entry->arrival <= 0)
		entry->arrival = date;
	if (entry->arrival <= 0)
		entry->arrival = fallback;

	entry->date = date > 0 ? date : entry->arrival;
	if (entry->date <= 0)
		entry->date = src->last_date;
	src->last_date = entry->date;

	if (fields.return_path != NULL)
		entry->envelope_sender = bare_address (fields.return_path);
	if (entry->envelope_sender == NULL)
		entry->envelope_sender = g_steal_pointer (&sender);
	entry->envelope_recipient = bare_address (fields.original_to != NULL ? fields.original_to
	                                          : fields.delivered_to);
}

/* The delivery time a Maildir file name starts with ("1354585346.M1P2.host"),
 * or 0. */
static gint64
maildir_name_time (const char *path)
{
	const char *name = strrchr (path, '/');
	gint64 t;
	char *end;

	name = name != NULL ? name + 1 : path;
	t = g_ascii_strtoll (name, &end, 10);
	/* Only a time the name plausibly holds: 1995 to a year from now. */
	if (end == name || *end != '.' || t < 788918400 || t > g_get_real_time () / G_USEC_PER_SEC + 31622400)
		return 0;
	return t;
}

static MailboxEntry *
next_file (MailboxSource *src, GError **error)
{
	const char *path = g_ptr_array_index (src->files, src->next);
	g_autoptr (MailboxEntry) entry = g_new0 (MailboxEntry, 1);
	g_autofree char *head = NULL;
	gsize len = 0, header = 0;
	struct stat st;
	int fd;

	entry->source = src;
	entry->number = ++src->next;
	entry->path = g_strdup (path);

	fd = open (path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat (fd, &st) < 0) {
		liaison_set_errno (error, errno, path);
		if (fd >= 0)
			close (fd);
		return NULL;
	}
	/* The header block, read in chunks until its blank line. */
	head = g_malloc (MAX_HEADER_BYTES);
	while (len < MAX_HEADER_BYTES) {
		ssize_t n = read (fd, head + len, MIN ((gsize) CHUNK, MAX_HEADER_BYTES - len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			liaison_set_errno (error, errno, path);
			close (fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (gsize) n;
		if (body_offset (head, 0, len) < len)
			break;
	}
	close (fd);
	entry->length = (gsize) st.st_size;

	{
		gboolean from_line = len >= 5 && memcmp (head, "From ", 5) == 0;
		gint64 name_time = src->format == MAILBOX_FORMAT_MAILDIR ? maildir_name_time (path) : 0;

		if (from_line)
			header = line_after (head, 0, len);
		describe_entry (src, entry, head, header, len, from_line, 0, name_time,
		                (gint64) st.st_mtime);
	}
	return g_steal_pointer (&entry);
}

static MailboxEntry *
next_span (MailboxSource *src)
{
	const Span *span = &g_array_index (src->spans, Span, src->next);
	MailboxEntry *entry = g_new0 (MailboxEntry, 1);

	/* The messages before this one have been handed over. */
	release_before (src, span->envelope != G_MAXSIZE ? span->envelope : span->start);
	entry->source = src;
	entry->number = ++src->next;
	entry->offset = span->start;
	entry->length = span->end - span->start;
	entry->unescape = span->unescape;
	describe_entry (src, entry, src->data, span->start, span->end, span->envelope != G_MAXSIZE,
	                span->envelope, 0, 0);
	return entry;
}

MailboxEntry *
mailbox_source_next (MailboxSource *src, GError **error)
{
	g_return_val_if_fail (src != NULL, NULL);

	if (src->files != NULL)
		return src->next < src->files->len ? next_file (src, error) : NULL;
	return src->next < src->spans->len ? next_span (src) : NULL;
}

/* An anonymous file: in memory (memfd) where the system has it, else a
 * temporary file removed at once. */
static int
anonymous_file (GError **error)
{
	g_autofree char *path = NULL;
	int fd;

#ifdef MFD_CLOEXEC
	fd = memfd_create ("liaison-message", MFD_CLOEXEC);
	if (fd >= 0)
		return fd;
#endif
	path = g_build_filename (g_get_tmp_dir (), "liaison-message.XXXXXX", NULL);
	fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		liaison_set_errno (error, errno, "creating a temporary file");
		return -1;
	}
	(void) unlink (path);
	return fd;
}

#define COPY_OUT "copying a message out of its mailbox"

/* Writes [start, end) of @d, dropping the first '>' of each line that is
 * one or more '>' and then "From " (mboxrd; mboxo quoting is the case of
 * one '>', and reads back the same). */
static gboolean
write_unescaped (int fd, const char *d, gsize start, gsize end, GError **error)
{
	gsize run = start;

	for (gsize pos = start; pos < end; ) {
		gsize eol = line_after (d, pos, end);

		if (d[pos] == '>') {
			gsize i = pos;

			while (i < eol && d[i] == '>')
				i++;
			if (eol - i >= 5 && memcmp (d + i, "From ", 5) == 0) {
				if (!util_write_all (fd, d + run, pos - run, COPY_OUT, error))
					return FALSE;
				run = pos + 1;
			}
		}
		pos = eol;
	}
	return util_write_all (fd, d + run, end - run, COPY_OUT, error);
}

int
mailbox_entry_open (const MailboxEntry *entry, GError **error)
{
	MailboxSource *src;
	gboolean ok;
	int fd;

	g_return_val_if_fail (entry != NULL, -1);

	if (entry->path != NULL) {
		fd = open (entry->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			liaison_set_errno (error, errno, entry->path);
		return fd;
	}
	src = entry->source;
	g_return_val_if_fail (entry->offset + entry->length <= src->size, -1);
	fd = anonymous_file (error);
	if (fd < 0)
		return -1;
	if (entry->unescape)
		ok = write_unescaped (fd, src->data, entry->offset, entry->offset + entry->length, error);
	else
		ok = util_write_all (fd, src->data + entry->offset, entry->length, COPY_OUT, error);
	/* Read in another order than the file's (reinject sorts them), the
	 * pages mapped around a message belong to others, read later or
	 * before. */
	release_span (src, entry->offset > MAPPED_AROUND ? entry->offset - MAPPED_AROUND : 0,
	              MIN (src->size, entry->offset + entry->length + MAPPED_AROUND));
	if (!ok || lseek (fd, 0, SEEK_SET) < 0) {
		if (ok)
			liaison_set_errno (error, errno, "rewinding a temporary file");
		close (fd);
		return -1;
	}
	return fd;
}

char *
mailbox_entry_describe (const MailboxEntry *entry)
{
	if (entry->path != NULL)
		return g_strdup (entry->path);
	return g_strdup_printf ("%s: message %u (byte %" G_GSIZE_FORMAT ")",
	                        entry->source->name, entry->number, entry->offset);
}
