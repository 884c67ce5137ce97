/* mailbox-file.c: mailbox files, for mailbox.c. An mbox is mapped and cut
 * at its From_ lines by libetpan's mailmbox parser, then checked the way
 * mail readers must (a From_ line has a date; Content-Length wins when it
 * is right; a From_ line that lost its blank line still starts a message).
 * MMDF and files without separators are cut here. Only offsets are kept,
 * never text; the pages of the mapping read are given back as we go. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libetpan/mailmbox.h>

#include "base/error.h"
#include "base/etpan.h"
#include "base/gmime-util.h"
#include "base/util.h"
#include "input/mailbox-file.h"

/* How long we wait for a writer (an MTA appending) to release an mbox. */
#define LOCK_WAIT_STEPS 100
#define LOCK_WAIT_STEP_US 100000
/* A header value longer than this is not worth keeping for a date. */
#define MAX_VALUE_BYTES 4096

static const char MMDF_SEPARATOR[] = "\001\001\001\001";
static const char UTF8_BOM[] = "\xef\xbb\xbf";

/* ------------------------------------------------------------------ */
/* Lines and header fields in a buffer */

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
gsize
mailbox_file_body_offset (const char *d, gsize pos, gsize end)
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

void
mailbox_file_release_before (MailboxFile *file, gsize offset)
{
	gsize page = (gsize) sysconf (_SC_PAGESIZE);
	gsize end = offset / page * page;

	gsize from = file->released > MAPPED_AROUND ? file->released - MAPPED_AROUND : 0;

	if (file->size == 0 || (guintptr) file->data % page != 0 || end <= file->released)
		return;
	from = from / page * page;
	(void) madvise ((void *) (file->data + from), end - from, MADV_DONTNEED);
	file->released = end;
}

/* Gives back the pages of the mapping that hold [@start, @end): once a
 * message has been copied out, in whatever order they are read. */
static void
release_span (const MailboxFile *file, gsize start, gsize end)
{
	gsize page = (gsize) sysconf (_SC_PAGESIZE);
	gsize first = start / page * page;

	if (file->size == 0 || (guintptr) file->data % page != 0 || end <= first)
		return;
	(void) madvise ((void *) (file->data + first), end - first, MADV_DONTNEED);
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
releaser_start (Releaser *releaser, const MailboxFile *file)
{
	gsize page = (gsize) sysconf (_SC_PAGESIZE);

	releaser->data = (void *) file->data;
	releaser->size = file->size;
	releaser->stop = 0;
	if (file->size < RELEASE_THREAD_MIN || (guintptr) file->data % page != 0)
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
add_span (MailboxFile *file, gsize envelope, gsize start, gsize end, gboolean unescape)
{
	Span span = { envelope, start, end, unescape };

	if (end > start)
		g_array_append_val (file->spans, span);
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
	body = mailbox_file_body_offset (d, cut->start, size);
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

/* The From_ lines that libetpan's parser finds after a blank line from
 * @first on, the ones without a date dropped, into @cuts; their offsets
 * (plus one) into @known. */
static gboolean
libetpan_cuts (MailboxFile *file, gsize first, GArray *cuts, GHashTable *known, GError **error)
{
	size_t index = first;
	int r = mailmbox_parse_additionnal (file->folder, &index);

	if (r != MAILMBOX_NO_ERROR) {
		g_set_error (error, LIAISON_ERROR, r == MAILMBOX_ERROR_MEMORY ? LIAISON_ERROR_NOMEM
		             : LIAISON_ERROR_FAILED, "%s: libetpan cannot parse it as an mbox (error %d)",
		             file->name, r);
		return FALSE;
	}
	for (guint i = 0; i < carray_count (file->folder->mb_tab); i++) {
		struct mailmbox_msg_info *info = carray_get (file->folder->mb_tab, i);
		Cut cut;

		if (info == NULL)
			continue;
		/* The first message starts the mailbox whatever its line says;
		 * the others need a real From_ line. */
		if (cuts->len > 0 && !parse_from_line (file->data, info->msg_start, file->size, NULL, NULL))
			continue;
		cut.from_line = info->msg_start;
		cut.start = info->msg_start + info->msg_start_len;
		cut.end = 0;
		g_array_append_val (cuts, cut);
		g_hash_table_add (known, GSIZE_TO_POINTER (cut.from_line + 1));
	}
	return TRUE;
}

/* Whether the line at @pos, after the line at @prev, is a From_ line that
 * lost its blank line: after a line of text, and followed by a header
 * field. */
static gboolean
is_unblanked_from (const char *d, gsize size, gsize prev, gsize pos, gsize eol)
{
	return d[pos] == 'F' && prev != G_MAXSIZE && !line_is_blank (d, prev, pos)
	       && parse_from_line (d, pos, size, NULL, NULL) && eol < size
	       && line_is_header (d, eol, line_after (d, eol, size), FALSE);
}

/* Adds to @cuts the From_ lines that libetpan passed over because no blank
 * line comes before them: in a body (never in a header block, where
 * "From :" is a broken header field), followed by a header field. */
static void
add_unblanked_cuts (const MailboxFile *file, gsize first, GArray *cuts, GHashTable *known)
{
	const char *d = file->data;
	gsize size = file->size;
	gboolean in_headers = TRUE;

	for (gsize pos = first, prev = G_MAXSIZE; pos < size; ) {
		gsize eol = line_after (d, pos, size);

		if (g_hash_table_contains (known, GSIZE_TO_POINTER (pos + 1))) {
			in_headers = TRUE;
		} else if (!in_headers && is_unblanked_from (d, size, prev, pos, eol)) {
			Cut cut = { pos, eol, 0 };

			g_array_append_val (cuts, cut);
			in_headers = TRUE;
		} else if (line_is_blank (d, pos, eol)) {
			in_headers = FALSE;
		}
		prev = pos;
		pos = eol;
	}
}

/* Content-Length, when it is right, wins over the From_ lines inside: the
 * cuts it covers are dropped. */
static void
apply_content_lengths (const MailboxFile *file, GArray *cuts)
{
	for (guint i = 0; i < cuts->len; i++) {
		Cut *cut = &g_array_index (cuts, Cut, i);
		gsize limit = i + 1 < cuts->len ? g_array_index (cuts, Cut, i + 1).from_line : file->size;
		gsize end = content_length_end (file->data, file->size, cut, limit);

		if (end == 0)
			continue;
		cut->end = end;
		while (i + 1 < cuts->len && g_array_index (cuts, Cut, i + 1).from_line < end)
			g_array_remove_index (cuts, i + 1);
	}
}

/* The spans of the messages at @cuts (sorted): up to their Content-Length
 * when it is right, else up to the next cut less the blank line before
 * it, mboxrd-quoted. */
static void
add_cut_spans (MailboxFile *file, const GArray *cuts)
{
	for (guint i = 0; i < cuts->len; i++) {
		const Cut *cut = &g_array_index (cuts, Cut, i);
		gsize next = i + 1 < cuts->len ? g_array_index (cuts, Cut, i + 1).from_line : file->size;
		gboolean has_from = cut->start > cut->from_line;

		if (cut->end != 0)
			add_span (file, has_from ? cut->from_line : G_MAXSIZE, cut->start, cut->end, FALSE);
		else
			add_span (file, has_from ? cut->from_line : G_MAXSIZE, cut->start,
			          drop_separator_line (file->data, cut->start, next), TRUE);
	}
}

/* Cuts an mbox: libetpan's parser finds the From_ lines that follow a blank
 * line; the ones without a date are body text and are dropped; a From_ line
 * right after a line of text still starts a message when a header field
 * follows it (mailboxes written without the blank line); and a message
 * whose Content-Length lands on the next From_ line (or the end) keeps the
 * From_ lines inside its body as text. The rest is mboxrd-quoted text, read
 * back with one '>' less on ">From " lines. */
static gboolean
cut_mbox (MailboxFile *file, gsize first, GError **error)
{
	g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (Cut));
	g_autoptr (GHashTable) known = g_hash_table_new (g_direct_hash, g_direct_equal);

	if (!libetpan_cuts (file, first, cuts, known, error))
		return FALSE;
	add_unblanked_cuts (file, first, cuts, known);
	g_array_sort (cuts, cut_compare);
	apply_content_lengths (file, cuts);
	add_cut_spans (file, cuts);
	return TRUE;
}

/* Cuts an MMDF mailbox: each message sits between two lines of four ^A. */
static void
cut_mmdf (MailboxFile *file, gsize first)
{
	const char *d = file->data;
	gsize size = file->size;
	gsize start = first;

	for (gsize pos = first; pos < size; ) {
		gsize eol = line_after (d, pos, size);

		if (line_is_mmdf_separator (d, pos, eol)) {
			if (!line_is_blank (d, start, pos))
				add_span (file, G_MAXSIZE, start, pos, FALSE);
			start = eol;
		}
		pos = eol;
	}
	if (start < size && !line_is_blank (d, start, size))
		add_span (file, G_MAXSIZE, start, size, FALSE);
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
cut_headers (MailboxFile *file, gsize first)
{
	const char *d = file->data;
	gsize size = file->size;
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
			add_span (file, G_MAXSIZE, start, drop_separator_line (d, start, pos), FALSE);
			start = header;
			pos = header;
			blank = FALSE;
			continue;
		}
		blank = line_is_blank (d, pos, eol);
		pos = eol;
	}
	if (start < size && !line_is_blank (d, start, size))
		add_span (file, G_MAXSIZE, start, size, FALSE);
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
open_mbox (MailboxFile *file, GError **error)
{
	struct stat st;
	int r;

	file->folder = mailmbox_folder_new (file->path);
	if (file->folder == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOMEM, "%s: out of memory", file->name);
		return FALSE;
	}
	file->folder->mb_read_only = TRUE;
	file->folder->mb_no_uid = TRUE;
	/* mailmbox_init() would take libetpan's lock, which creates a dot-lock
	 * file beside the mailbox: we only read, and take a shared fcntl lock. */
	errno = 0;
	r = mailmbox_open (file->folder);
	if (r != MAILMBOX_NO_ERROR) {
		liaison_set_errno (error, errno != 0 ? errno : ENOENT, file->name);
		return FALSE;
	}
	if (!lock_shared (file->folder->mb_fd, file->name, error))
		return FALSE;
	if (fstat (file->folder->mb_fd, &st) < 0) {
		liaison_set_errno (error, errno, file->name);
		return FALSE;
	}
	if (st.st_size == 0)
		return TRUE;
	errno = 0;
	r = mailmbox_map (file->folder);
	if (r != MAILMBOX_NO_ERROR) {
		liaison_set_errno (error, errno != 0 ? errno : EIO, file->name);
		return FALSE;
	}
	file->data = file->folder->mb_mapping;
	file->size = file->folder->mb_mapping_size;
	{
		Releaser releaser;
		GThread *thread = releaser_start (&releaser, file);
		gboolean ok = cut_mbox (file, first_content (file->data, file->size), error);

		releaser_stop (&releaser, thread);
		return ok;
	}
}

gboolean
mailbox_file_open (MailboxFile *file, const char *name, const char *path, GError **error)
{
	g_autoptr (GError) local = NULL;
	gsize first, eol;

	file->name = name;
	file->path = path;
	file->spans = g_array_new (FALSE, FALSE, sizeof (Span));
	file->mapped = g_mapped_file_new (file->path, FALSE, &local);
	if (file->mapped == NULL) {
		int errsv = g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? ENOENT : EIO;

		g_set_error (error, LIAISON_ERROR, errsv == ENOENT ? LIAISON_ERROR_NOT_FOUND : LIAISON_ERROR_IO,
		             "%s", local->message);
		return FALSE;
	}
	file->data = g_mapped_file_get_contents (file->mapped);
	file->size = g_mapped_file_get_length (file->mapped);
	if (file->data == NULL || file->size == 0) {
		/* An empty mailbox holds no messages. */
		file->data = "";
		file->size = 0;
		file->kind = MAILBOX_FILE_MBOX;
		return TRUE;
	}
	first = first_content (file->data, file->size);
	eol = line_after (file->data, first, file->size);
	if (first < file->size && eol - first >= 5 && memcmp (file->data + first, "From ", 5) == 0) {
		/* libetpan maps the file itself. */
		if (!etpan_load (LIAISON_ERROR_IO, error))
			return FALSE;
		g_clear_pointer (&file->mapped, g_mapped_file_unref);
		file->data = NULL;
		file->size = 0;
		file->kind = MAILBOX_FILE_MBOX;
		return open_mbox (file, error);
	}
	if (line_is_mmdf_separator (file->data, first, eol)) {
		file->kind = MAILBOX_FILE_MMDF;
		cut_mmdf (file, first);
	} else {
		file->kind = MAILBOX_FILE_HEADERS;
		if (first < file->size)
			cut_headers (file, first);
	}
	return TRUE;
}

/* ------------------------------------------------------------------ */
/* Closing, describing and copying out */

void
mailbox_file_close (MailboxFile *file)
{
	if (file->folder != NULL) {
		if (file->folder->mb_mapping != NULL)
			mailmbox_unmap (file->folder);
		if (file->folder->mb_fd >= 0)
			mailmbox_close (file->folder);
		mailmbox_folder_free (file->folder);
	}
	g_clear_pointer (&file->mapped, g_mapped_file_unref);
	if (file->spans != NULL)
		g_array_unref (file->spans);
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

void
mailbox_file_read_headers (const char *d, gsize header, gsize end, gboolean has_from_line,
                           gsize from_line, gint64 envelope_time, gint64 fallback,
                           MailboxFileHeaders *out)
{
	g_auto (Fields) fields = { 0 };
	g_autofree char *sender = NULL;
	gint64 from_date = 0;

	if (has_from_line)
		(void) parse_from_line (d, from_line, end, &sender, &from_date);
	read_fields (d, header, end, &fields);

	/* The Maildir name's time is exact; the topmost Received field is our
	 * own MTA's, with its time zone; a From_ line has the local time of an
	 * unknown zone; the Date field is the sender's clock. */
	out->date = decode_date (fields.date, NULL);
	out->arrival = envelope_time;
	if (out->arrival <= 0)
		out->arrival = received_date (fields.received);
	if (out->arrival <= 0)
		out->arrival = from_date;
	if (out->arrival <= 0)
		out->arrival = out->date;
	if (out->arrival <= 0)
		out->arrival = fallback;

	out->sender = NULL;
	if (fields.return_path != NULL)
		out->sender = bare_address (fields.return_path);
	if (out->sender == NULL)
		out->sender = g_steal_pointer (&sender);
	out->recipient = bare_address (fields.original_to != NULL ? fields.original_to
	                                : fields.delivered_to);
}

void
mailbox_file_release_message (const MailboxFile *file, gsize offset, gsize length)
{
	/* Read in another order than the file's (reinject sorts them), the
	 * pages mapped around a message belong to others, read later or
	 * before. */
	release_span (file, offset > MAPPED_AROUND ? offset - MAPPED_AROUND : 0,
	              MIN (file->size, offset + length + MAPPED_AROUND));
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

gboolean
mailbox_file_write_span (int fd, const MailboxFile *file, gsize offset, gsize length,
                         gboolean unescape, GError **error)
{
	if (unescape)
		return write_unescaped (fd, file->data, offset, offset + length, error);
	return util_write_all (fd, file->data + offset, length, COPY_OUT, error);
}
