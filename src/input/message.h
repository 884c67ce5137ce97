/* message.h: one incoming message. Spooling standard input (or a mailbox
 * entry) to a temporary file, parsing it with GMime, the dedupe key, and
 * read access to headers and text parts. The only module that parses mail. */
#ifndef LIAISON_MESSAGE_H
#define LIAISON_MESSAGE_H

#include <glib.h>
#include <gmime/gmime.h>

/* The most MIME parts (multiparts, leaves and forwarded messages, at any
 * depth) and attachments of a message whose parts we read. A message with
 * more is recorded and held with a reason that says so (too_complex), and
 * none of its parts is read: no text, no attachment, no document. */
#define MESSAGE_MAX_PARTS 1000
#define MESSAGE_MAX_ATTACHMENTS 200

typedef struct {
	GMimeMessage *mime;      /* NULL only when the headers could not be parsed */
	char *path;              /* the spooled raw message (temporary file) */
	gboolean owns_path;      /* message_free() removes @path */
	gint64 size;             /* raw bytes as spooled (mbox From_ line dropped,
	                          * CRLF kept as received) */
	gboolean oversized;      /* larger than max-message-size: only the
	                          * headers were parsed; the body was not read */
	const char *too_complex; /* static: why its parts are not read (over
	                          * MESSAGE_MAX_PARTS or _ATTACHMENTS), or NULL */
	char *raw_sha256;        /* hex SHA-256 of the spooled bytes */
	char *dedupe_hash;       /* hex SHA-256 without trace headers (SPEC §4.3) */
	char *message_id;        /* without <>; NULL if missing or empty */

	/* Envelope, from deliver's -f, -r, -e (NULL when not given). */
	char *sender;
	char *recipient;
	char *extension;

	/* Cleaned header values (never NULL; "" when absent). */
	char *from;              /* decoded From as "Name <addr>" */
	char *from_address;      /* addr-spec of From, lower case, or "" */
	char *subject;           /* decoded, control characters removed */
	char *date;              /* ISO 8601 UTC of the Date header, or "" */
} Message;

/* Streams @fd into a new temporary file under @spool_dir/tmp (created if
 * needed), dropping a leading mbox "From " line, computing the SHA-256s,
 * and parses it. When more than @max_size bytes arrive, the rest is still
 * read (and discarded) so that the MTA sees the whole message taken, but
 * only the headers are kept and parsed, and oversized is set.
 * The temporary file is registered with guard_add_path() and removed by
 * message_free(). Errors (I/O, disk full) are temporary. */
Message *message_spool_fd (int fd, const char *spool_dir, guint64 max_size, GError **error);

/* Parses an already spooled or stored file in place (no copy is made; the
 * file is not removed by message_free). For reinject and tests. */
Message *message_open_file (const char *path, guint64 max_size, GError **error);
/* message_open_file() of a file of the spool whose SHA-256 (the file's
 * name) and dedupe hash the journal holds (`rebuild`): taken as given
 * instead of read again, each when not NULL. */
Message *message_open_spooled (const char *path, const char *raw_sha256,
                               const char *dedupe_hash, guint64 max_size, GError **error);

void message_free (Message *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Message, message_free)

/* The first value of header @name, decoded (RFC 2047) and cleaned; NULL
 * when absent. Newly allocated. */
char *message_header (const Message *message, const char *name);

/* Every Message-ID named in In-Reply-To and References, without <>, in
 * order, duplicates removed. Newly allocated array of char*. */
GPtrArray *message_references (const Message *message);

/* Where a text came from. */
typedef enum {
	MESSAGE_TEXT_BODY,       /* a text/plain body, or text/html turned into text */
	MESSAGE_TEXT_ATTACHMENT, /* a text attachment */
	MESSAGE_TEXT_DOCUMENT,   /* a PDF or DOCX attachment's text */
} MessageTextKind;

/* A text part of the message to read a statement from. */
typedef struct {
	char *text;              /* UTF-8, CR LF normalised to LF, cleaned */
	char *origin;            /* "body", "html", "attachment:NAME", "pdf:NAME",
	                          * "docx:NAME"; after "forwarded:" once per
	                          * message/rfc822 level it is inside */
	MessageTextKind kind;
	guint depth;             /* message/rfc822 levels it is inside */
	char *subject;           /* the cleaned subject of the message it belongs
	                          * to (the forwarded one's inside a forward);
	                          * never NULL */
	char *from;              /* that message's From, "Name <addr>", cleaned;
	                          * never NULL */
} MessageText;

void message_text_free (MessageText *text);

/* Every text worth reading for a statement, in order of preference: the
 * text/plain body (or text/html turned into text when there is no plain
 * alternative), text/plain attachments, the text of PDF and DOCX
 * attachments (document_part_text), and the same inside forwarded
 * message/rfc822 parts at any depth. None when the message is oversized
 * or too_complex. Newly allocated array of MessageText*. */
GPtrArray *message_texts (const Message *message);

/* Calls @func for every leaf part that is an attachment (has a filename or a
 * disposition of attachment, or is not text), at any depth; for none when
 * the message is oversized or too_complex. */
typedef void (*MessagePartFunc) (GMimePart *part, gpointer user_data);
void message_foreach_attachment (const Message *message, MessagePartFunc func, gpointer user_data);

#endif
