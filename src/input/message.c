/* message.c: one incoming message, from standard input or a file, spooled
 * and parsed with GMime. The raw bytes are streamed to a temporary file and
 * parsed from there, so that large parts stay on disk: GMime's parser keeps
 * references into the file instead of copies. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/document.h"
#include "input/html-text.h"
#include "input/part-text.h"
#include "base/error.h"
#include "base/gmime-util.h"
#include "base/guard.h"
#include "base/hash.h"
#include "input/message.h"
#include "base/statement.h"
#include "base/util.h"

/* How deep we follow multiparts and forwarded messages. */
#define MAX_DEPTH 32
#define CHUNK 65536

#define SPOOL_WRITE "writing the spool file"

/* The offset just past the blank line that ends the header block of the
 * first @len bytes of @buf, or 0 when there is none. */
static gsize
header_end (const char *buf, gsize len)
{
	for (gsize i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static const char *const trace_headers[] = {
	"received", "return-path", "delivered-to", "x-original-to",
};

static gboolean
is_trace_header (const char *line, gsize len)
{
	for (gsize i = 0; i < G_N_ELEMENTS (trace_headers); i++) {
		gsize n = strlen (trace_headers[i]);
		if (len > n && line[n] == ':' && g_ascii_strncasecmp (line, trace_headers[i], n) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Feeds @len bytes to @sum with CR LF turned into LF, so that the same
 * message delivered with either line end has one dedupe key. */
static void
update_lf (Hash *sum, const char *buf, gsize len)
{
	gsize start = 0;

	for (gsize i = 0; i < len; i++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') {
			hash_update (sum, buf + start, i - start);
			start = i + 1;
		}
	}
	hash_update (sum, buf + start, len - start);
}

/* SHA-256 of the file at @fd without its trace headers (SPEC §4 step 3).
 * Reads the file once more; it is in the page cache. */
static char *
dedupe_hash (int fd, GError **error)
{
	g_autoptr (Hash) sum = hash_new ();
	g_autoptr (GString) line = g_string_new (NULL);
	gboolean in_headers = TRUE, skipping = FALSE;
	char buf[CHUNK];
	ssize_t n;

	if (lseek (fd, 0, SEEK_SET) < 0) {
		liaison_set_errno (error, errno, "rewinding the spool file");
		return NULL;
	}
	while ((n = read (fd, buf, sizeof buf)) != 0) {
		gsize i = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			liaison_set_errno (error, errno, "reading the spool file");
			return NULL;
		}
		/* Header lines one by one; a continuation line (starting with
		 * white space) belongs to the header before it. */
		while (in_headers && i < (gsize) n) {
			const char *nl = memchr (buf + i, '\n', (gsize) n - i);
			gsize end = nl ? (gsize) (nl - buf) + 1 : (gsize) n;

			g_string_append_len (line, buf + i, end - i);
			i = end;
			if (nl == NULL)
				break;
			if (line->str[0] == ' ' || line->str[0] == '\t') {
				if (!skipping)
					update_lf (sum, line->str, line->len);
			} else if (line->str[0] == '\n' || (line->str[0] == '\r' && line->str[1] == '\n')) {
				update_lf (sum, line->str, line->len);
				in_headers = FALSE;
			} else {
				skipping = is_trace_header (line->str, line->len);
				if (!skipping)
					update_lf (sum, line->str, line->len);
			}
			g_string_truncate (line, 0);
		}
		if (!in_headers && i < (gsize) n)
			update_lf (sum, buf + i, (gsize) n - i);
	}
	if (in_headers && line->len > 0 && !skipping)
		update_lf (sum, line->str, line->len);
	return hash_hex (sum);
}

static char *
format_mailbox (InternetAddress *ia)
{
	const char *name = internet_address_get_name (ia);
	const char *addr = INTERNET_ADDRESS_IS_MAILBOX (ia)
		? internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)) : NULL;
	g_autofree char *clean_name = statement_clean_line (name);
	g_autofree char *clean_addr = statement_clean_line (addr);

	if (*clean_addr == '\0')
		return g_steal_pointer (&clean_name);
	if (*clean_name == '\0')
		return g_steal_pointer (&clean_addr);
	return g_strdup_printf ("%s <%s>", clean_name, clean_addr);
}

/* The first mailbox of @list as "Name <addr>", or "". Newly allocated. */
static char *
first_mailbox (InternetAddressList *list)
{
	if (list == NULL || internet_address_list_length (list) == 0)
		return g_strdup ("");
	return format_mailbox (internet_address_list_get_address (list, 0));
}

/* Fills the cleaned header fields of @message from its parsed headers. */
static void
fill_headers (Message *message)
{
	GMimeMessage *mime = message->mime;
	const char *value;

	message->from = g_strdup ("");
	message->from_address = g_strdup ("");
	if (mime == NULL) {
		message->subject = g_strdup ("");
		message->date = g_strdup ("");
		return;
	}

	value = g_mime_message_get_message_id (mime);
	if (value != NULL) {
		g_autofree char *id = statement_clean_line (value);
		/* Message-IDs have no white space; what is left of a broken one
		 * is still our best key. */
		g_strdelimit (id, " ", '_');
		if (*id != '\0')
			message->message_id = g_steal_pointer (&id);
	}

	InternetAddressList *from = g_mime_message_get_from (mime);
	if (from != NULL && internet_address_list_length (from) > 0) {
		InternetAddress *ia = internet_address_list_get_address (from, 0);
		g_free (message->from);
		message->from = format_mailbox (ia);
		if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			g_autofree char *clean = statement_clean_line (addr);
			g_free (message->from_address);
			message->from_address = g_ascii_strdown (clean, -1);
		}
	}

	message->subject = statement_clean_line (g_mime_message_get_subject (mime));

	GDateTime *date = g_mime_message_get_date (mime);
	if (date != NULL) {
		g_autoptr (GDateTime) utc = g_date_time_to_utc (date);
		message->date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
	}
	if (message->date == NULL)
		message->date = g_strdup ("");
}

static gboolean is_attachment (GMimeObject *part);

/* Counts the parts and attachments under @obj into @counts ([0] parts,
 * [1] attachments, as message_foreach_attachment() would call it for),
 * stopping once the parts are over their cap. */
static void
count_parts (GMimeObject *obj, guint counts[2], int depth)
{
	if (obj == NULL || depth > MAX_DEPTH || counts[0] > MESSAGE_MAX_PARTS)
		return;
	counts[0]++;
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			count_parts (g_mime_multipart_get_part (mp, i), counts, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		if (inner != NULL)
			count_parts (g_mime_message_get_mime_part (inner), counts, depth + 1);
	} else if (GMIME_IS_PART (obj)) {
		GMimeContentType *ct = g_mime_object_get_content_type (obj);
		if (is_attachment (obj) || !g_mime_content_type_is_type (ct, "text", "*"))
			counts[1]++;
	}
}

/* Sets message->too_complex when the message has more parts or
 * attachments than we read. */
static void
check_parts (Message *message)
{
	guint counts[2] = { 0, 0 };

	if (message->mime == NULL || message->oversized)
		return;
	count_parts (g_mime_message_get_mime_part (message->mime), counts, 0);
	if (counts[0] > MESSAGE_MAX_PARTS)
		message->too_complex = "message has more than " G_STRINGIFY (MESSAGE_MAX_PARTS) " MIME parts";
	else if (counts[1] > MESSAGE_MAX_ATTACHMENTS)
		message->too_complex = "message has more than " G_STRINGIFY (MESSAGE_MAX_ATTACHMENTS) " attachments";
}

static gboolean
parse_file (Message *message, int fd, GError **error)
{
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeParser) parser = NULL;
	int dupfd;

	gmime_util_init ();
	if (lseek (fd, 0, SEEK_SET) < 0) {
		liaison_set_errno (error, errno, "rewinding the spool file");
		return FALSE;
	}
	/* The stream owns its own descriptor, so that the message can be read
	 * lazily for as long as it lives. */
	dupfd = dup (fd);
	if (dupfd < 0) {
		liaison_set_errno (error, errno, "duplicating a descriptor");
		return FALSE;
	}
	stream = g_mime_stream_fs_new (dupfd);
	parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	message->mime = g_mime_parser_construct_message (parser, NULL);
	fill_headers (message);
	check_parts (message);
	return TRUE;
}

/* Finishes a Message whose raw bytes are in the file at @fd. */
static gboolean
finish (Message *message, int fd, GError **error)
{
	if (message->dedupe_hash == NULL)
		message->dedupe_hash = dedupe_hash (fd, error);
	if (message->dedupe_hash == NULL)
		return FALSE;
	return parse_file (message, fd, error);
}

/* Creates the spool file of @message under @spool_dir/tmp, registered with
 * guard_mkstemp(); returns its descriptor, or -1 with @error set. */
static int
spool_create (Message *message, const char *spool_dir, GError **error)
{
	g_autofree char *dir = g_build_filename (spool_dir, "tmp", NULL);
	int out;

	if (g_mkdir_with_parents (dir, 0750) < 0) {
		liaison_set_errno (error, errno, dir);
		return -1;
	}
	message->path = g_build_filename (dir, "in.XXXXXX", NULL);
	out = guard_mkstemp (message->path, O_RDWR | O_CLOEXEC, 0640);
	if (out < 0) {
		liaison_set_errno (error, errno, "creating the spool file");
		g_clear_pointer (&message->path, g_free);
		return -1;
	}
	message->owns_path = TRUE;
	return out;
}

/* An mbox "From " line is the envelope, not the message: drops it from
 * the first chunk read (it is complete there unless absurdly long). */
static void
skip_from_line (const char **p, gsize *len)
{
	if (*len >= 5 && memcmp (*p, "From ", 5) == 0) {
		const char *nl = memchr (*p, '\n', *len);
		gsize skip = nl ? (gsize) (nl - *p) + 1 : *len;
		*p += skip;
		*len -= skip;
	}
}

/* Writes @len bytes at @p to the spool file @out and counts them in
 * @message and @sum. */
static gboolean
spool_append (Message *message, int out, Hash *sum, const char *p, gsize len, GError **error)
{
	if (!util_write_all (out, p, len, SPOOL_WRITE, error))
		return FALSE;
	hash_update (sum, p, len);
	message->size += len;
	return TRUE;
}

/* Copies @fd to the spool file @out until the end of input. When more
 * than @max_size bytes arrive, the first @max_size are kept, the rest read
 * away so that the MTA sees the message taken, and oversized is set. */
static gboolean
spool_copy (Message *message, int fd, int out, guint64 max_size, Hash *sum, GError **error)
{
	g_autofree char *buf = g_malloc (CHUNK);
	gboolean first = TRUE;

	for (;;) {
		ssize_t n = read (fd, buf, CHUNK);
		const char *p = buf;
		gsize len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			liaison_set_errno (error, errno, "reading the message");
			return FALSE;
		}
		if (n == 0)
			return TRUE;
		len = (gsize) n;
		if (first)
			skip_from_line (&p, &len);
		first = FALSE;
		if (message->oversized)
			continue;
		if ((guint64) message->size + len > max_size) {
			/* Too large: keep what we have so far up to the end of the
			 * headers, then read the rest away so the MTA sees the message
			 * taken. */
			gsize keep = (gsize) MIN ((guint64) len, max_size - (guint64) message->size);
			if (!spool_append (message, out, sum, p, keep, error))
				return FALSE;
			message->oversized = TRUE;
			continue;
		}
		if (!spool_append (message, out, sum, p, len, error))
			return FALSE;
	}
}

/* Cuts the spool file @out of an oversized message to its header block
 * (or all we have, if no blank line ends it), adds a blank line so that
 * it parses as a message, and hashes anew into @sum what is left. size
 * keeps the number of bytes that arrived, for the log. */
static gboolean
keep_headers_only (Message *message, int out, Hash *sum, GError **error)
{
	gsize want = (gsize) MIN (message->size, (gint64) (1024 * 1024));
	g_autofree char *head = g_malloc (want);
	ssize_t got = pread (out, head, want, 0);
	gsize head_len = got > 0 ? header_end (head, (gsize) got) : 0;
	char tmp[CHUNK];
	ssize_t r;
	off_t off = 0;

	if (head_len == 0)
		head_len = got > 0 ? (gsize) got : 0;
	if (ftruncate (out, (off_t) head_len) < 0 || lseek (out, 0, SEEK_END) < 0) {
		liaison_set_errno (error, errno, "truncating an oversized message");
		return FALSE;
	}
	if (head_len == 0 || head[head_len - 1] != '\n' || header_end (head, head_len) == 0)
		if (!util_write_all (out, "\n\n", 2, SPOOL_WRITE, error))
			return FALSE;
	hash_reset (sum);
	while ((r = pread (out, tmp, sizeof tmp, off)) > 0) {
		hash_update (sum, tmp, (gsize) r);
		off += r;
	}
	return TRUE;
}

Message *
message_spool_fd (int fd, const char *spool_dir, guint64 max_size, GError **error)
{
	g_autoptr (Message) message = g_new0 (Message, 1);
	g_autoptr (Hash) sum = hash_new ();
	int out = spool_create (message, spool_dir, error);

	if (out < 0)
		return NULL;
	if (!spool_copy (message, fd, out, max_size, sum, error)
	    || (message->oversized && !keep_headers_only (message, out, sum, error))) {
		close (out);
		return NULL;
	}
	message->raw_sha256 = hash_hex (sum);
	if (!finish (message, out, error)) {
		close (out);
		return NULL;
	}
	close (out);
	return g_steal_pointer (&message);
}

Message *
message_open_file (const char *path, guint64 max_size, GError **error)
{
	return message_open_spooled (path, NULL, NULL, max_size, error);
}

Message *
message_open_spooled (const char *path, const char *raw_sha256, const char *dedupe_hash,
                      guint64 max_size, GError **error)
{
	g_autoptr (Message) message = g_new0 (Message, 1);
	g_autoptr (Hash) sum = hash_new ();
	char buf[CHUNK];
	struct stat st;
	ssize_t n = 0;
	int fd;

	fd = open (path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		liaison_set_errno (error, errno, path);
		return NULL;
	}
	if (fstat (fd, &st) < 0) {
		liaison_set_errno (error, errno, path);
		close (fd);
		return NULL;
	}
	while (raw_sha256 == NULL && (n = read (fd, buf, sizeof buf)) > 0)
		hash_update (sum, buf, (gsize) n);
	message->path = g_strdup (path);
	message->size = st.st_size;
	message->oversized = (guint64) st.st_size > max_size;
	message->raw_sha256 = raw_sha256 != NULL ? g_strdup (raw_sha256) : hash_hex (sum);
	message->dedupe_hash = g_strdup (dedupe_hash);
	if (!finish (message, fd, error)) {
		close (fd);
		return NULL;
	}
	close (fd);
	return g_steal_pointer (&message);
}

void
message_free (Message *message)
{
	if (message == NULL)
		return;
	g_clear_object (&message->mime);
	g_free (message->raw_sha256);
	g_free (message->dedupe_hash);
	g_free (message->message_id);
	g_free (message->sender);
	g_free (message->recipient);
	g_free (message->extension);
	g_free (message->from);
	g_free (message->from_address);
	g_free (message->subject);
	g_free (message->date);
	if (message->owns_path && message->path != NULL) {
		(void) unlink (message->path);
		guard_forget_path (message->path);
	}
	g_free (message->path);
	g_free (message);
}

char *
message_header (const Message *message, const char *name)
{
	const char *value;

	if (message->mime == NULL)
		return NULL;
	value = g_mime_object_get_header (GMIME_OBJECT (message->mime), name);
	if (value == NULL)
		return NULL;
	return statement_clean_line (value);
}

static void
add_references (GPtrArray *out, GHashTable *seen, const char *value)
{
	GMimeReferences *refs;

	if (value == NULL)
		return;
	refs = g_mime_references_parse (NULL, value);
	if (refs == NULL)
		return;
	for (int i = 0; i < g_mime_references_length (refs); i++) {
		g_autofree char *id = statement_clean_line (g_mime_references_get_message_id (refs, i));
		if (*id == '\0' || g_hash_table_contains (seen, id))
			continue;
		g_hash_table_add (seen, g_strdup (id));
		g_ptr_array_add (out, g_steal_pointer (&id));
	}
	g_mime_references_free (refs);
}

GPtrArray *
message_references (const Message *message)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GMimeObject *obj = message->mime ? GMIME_OBJECT (message->mime) : NULL;

	if (obj == NULL)
		return out;
	add_references (out, seen, g_mime_object_get_header (obj, "In-Reply-To"));
	add_references (out, seen, g_mime_object_get_header (obj, "References"));
	return out;
}

void
message_text_free (MessageText *text)
{
	if (text == NULL)
		return;
	g_free (text->text);
	g_free (text->origin);
	g_free (text->subject);
	g_free (text->from);
	g_free (text);
}

static gboolean
is_attachment (GMimeObject *part)
{
	const char *disposition = g_mime_object_get_disposition (part);

	if (disposition != NULL && g_ascii_strcasecmp (disposition, "attachment") == 0)
		return TRUE;
	return GMIME_IS_PART (part) && g_mime_part_get_filename (GMIME_PART (part)) != NULL;
}

/* Where we are in the message: the texts found so far, and the message
 * (the delivered one, or a forwarded one) whose parts we are reading. */
typedef struct {
	GPtrArray *texts;
	const char *prefix;      /* "" or "forwarded:"... */
	const char *subject;     /* cleaned subject of that message */
	const char *from;        /* and its From */
	guint depth;             /* message/rfc822 levels */
} TextWalk;

/* Adds @text (taken) unless it is empty. */
static void
add_text (const TextWalk *walk, char *text, MessageTextKind kind, const char *origin)
{
	MessageText *t;

	if (text == NULL || *text == '\0') {
		g_free (text);
		return;
	}
	t = g_new0 (MessageText, 1);
	t->text = text;
	t->origin = g_strconcat (walk->prefix, origin, NULL);
	t->kind = kind;
	t->depth = walk->depth;
	t->subject = g_strdup (walk->subject);
	t->from = g_strdup (walk->from);
	g_ptr_array_add (walk->texts, t);
}

static void walk_texts (const TextWalk *walk, GMimeObject *obj, int depth);

/* The best body of a multipart/alternative: its text/plain part, else its
 * text/html part turned into text. */
static gboolean
walk_alternative (const TextWalk *walk, GMimeMultipart *mp)
{
	GMimeObject *html = NULL;

	for (int i = 0; i < g_mime_multipart_get_count (mp); i++) {
		GMimeObject *sub = g_mime_multipart_get_part (mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type (sub);
		if (!GMIME_IS_PART (sub))
			continue;
		if (g_mime_content_type_is_type (ct, "text", "plain")) {
			add_text (walk, part_text (GMIME_PART (sub)), MESSAGE_TEXT_BODY, "body");
			return TRUE;
		}
		if (html == NULL && g_mime_content_type_is_type (ct, "text", "html"))
			html = sub;
	}
	if (html != NULL) {
		g_autofree char *raw = part_text (GMIME_PART (html));
		add_text (walk, html_text_from_markup (raw), MESSAGE_TEXT_BODY, "html");
		return TRUE;
	}
	return FALSE;
}

/* A forwarded message: its own parts, under its own subject. */
static void
walk_forwarded (const TextWalk *walk, GMimeMessage *inner, int depth)
{
	g_autofree char *prefix = g_strconcat (walk->prefix, "forwarded:", NULL);
	g_autofree char *subject = statement_clean_line (g_mime_message_get_subject (inner));
	g_autofree char *from = first_mailbox (g_mime_message_get_from (inner));
	TextWalk sub = { walk->texts, prefix, subject, from, walk->depth + 1 };

	walk_texts (&sub, g_mime_message_get_mime_part (inner), depth + 1);
}

/* A leaf part: a body, a text attachment, or a document. */
static void
walk_part (const TextWalk *walk, GMimePart *part)
{
	GMimeObject *obj = GMIME_OBJECT (part);
	DocumentKind kind = document_kind (part);
	g_autofree char *name = statement_clean_line (g_mime_part_get_filename (part));
	g_autofree char *origin = NULL;

	switch (kind) {
	case DOCUMENT_TEXT:
		/* A .txt file sent as application/octet-stream is an
		 * attachment whatever its disposition says. */
		if (is_attachment (obj) || !g_mime_content_type_is_type (g_mime_object_get_content_type (obj), "text", "plain")) {
			origin = g_strconcat ("attachment:", name, NULL);
			add_text (walk, document_part_text (part), MESSAGE_TEXT_ATTACHMENT, origin);
		} else {
			add_text (walk, part_text (part), MESSAGE_TEXT_BODY, "body");
		}
		break;
	case DOCUMENT_HTML:
		/* An HTML attachment is a page someone saved, not the mail. */
		if (!is_attachment (obj)) {
			g_autofree char *raw = part_text (part);
			add_text (walk, html_text_from_markup (raw), MESSAGE_TEXT_BODY, "html");
		}
		break;
	case DOCUMENT_PDF:
	case DOCUMENT_DOCX:
		origin = g_strconcat (document_kind_to_string (kind), ":", name, NULL);
		add_text (walk, document_part_text (part), MESSAGE_TEXT_DOCUMENT, origin);
		break;
	case DOCUMENT_NONE:
	default:
		break;
	}
}

static void
walk_texts (const TextWalk *walk, GMimeObject *obj, int depth)
{
	GMimeContentType *ct;

	if (obj == NULL || depth > MAX_DEPTH)
		return;
	ct = g_mime_object_get_content_type (obj);

	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		if (g_mime_content_type_is_type (ct, "multipart", "alternative")
		    && walk_alternative (walk, mp))
			return;
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			walk_texts (walk, g_mime_multipart_get_part (mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		if (inner != NULL)
			walk_forwarded (walk, inner, depth);
	} else if (GMIME_IS_PART (obj)) {
		walk_part (walk, GMIME_PART (obj));
	}
}

GPtrArray *
message_texts (const Message *message)
{
	GPtrArray *texts = g_ptr_array_new_with_free_func ((GDestroyNotify) message_text_free);
	TextWalk walk = { texts, "", message->subject != NULL ? message->subject : "",
	                  message->from != NULL ? message->from : "", 0 };

	if (message->mime != NULL && !message->oversized && message->too_complex == NULL)
		walk_texts (&walk, g_mime_message_get_mime_part (message->mime), 0);
	return texts;
}

static void
walk_attachments (GMimeObject *obj, MessagePartFunc func, gpointer user_data, int depth)
{
	if (obj == NULL || depth > MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			walk_attachments (g_mime_multipart_get_part (mp, i), func, user_data, depth + 1);
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		if (inner != NULL)
			walk_attachments (g_mime_message_get_mime_part (inner), func, user_data, depth + 1);
	} else if (GMIME_IS_PART (obj)) {
		GMimeContentType *ct = g_mime_object_get_content_type (obj);
		if (is_attachment (obj) || !g_mime_content_type_is_type (ct, "text", "*"))
			func (GMIME_PART (obj), user_data);
	}
}

void
message_foreach_attachment (const Message *message, MessagePartFunc func, gpointer user_data)
{
	if (message->mime == NULL || message->oversized || message->too_complex != NULL)
		return;
	walk_attachments (g_mime_message_get_mime_part (message->mime), func, user_data, 0);
}
