/* mailbox-file.h: private to the mailbox reader (mailbox.c and
 * mailbox-file.c): the open mailbox, and what mailbox-file.c does for it:
 * map a mailbox file (mbox, MMDF, bare messages) and cut it into spans,
 * read the header fields that date a message, and copy a span out. */
#ifndef LIAISON_MAILBOX_FILE_H
#define LIAISON_MAILBOX_FILE_H

#include <string.h>

#include <glib.h>

#include "input/mailbox.h"

struct mailmbox_folder;

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

/* The offset just past the line that starts at @pos (past its LF), or
 * @end when it has none. */
static inline gsize
line_after (const char *d, gsize pos, gsize end)
{
	const char *nl = memchr (d + pos, '\n', end - pos);

	return nl != NULL ? (gsize) (nl - d) + 1 : end;
}

/* The offset of the body of the message at @pos: just past the blank line
 * that ends its header block, or @end. */
gsize mailbox_file_body_offset (const char *d, gsize pos, gsize end);

/* Maps the regular file @src->path, tells an mbox (read under a shared
 * lock with libetpan), an MMDF mailbox and a file of bare messages apart
 * by their first line that is not blank, and cuts it into @src->spans. */
gboolean mailbox_file_open (MailboxSource *src, GError **error);

/* Unmaps and closes what mailbox_file_open() opened. */
void mailbox_file_close (MailboxSource *src);

/* Fills the dates and the envelope of @entry from its header block at
 * @header of @d (up to @end) and its From_ line at @from_line when
 * @has_from_line. @envelope_time is the Maildir name's time (0 for none);
 * @fallback a time to use when nothing else gives one (the file's), 0 for
 * none. Sets @src->last_date. */
void mailbox_file_describe (MailboxSource *src, MailboxEntry *entry, const char *d,
                            gsize header, gsize end, gboolean has_from_line,
                            gsize from_line, gint64 envelope_time, gint64 fallback);

/* Gives back the whole pages of the mapping before @offset: the messages
 * before it have been handed over. */
void mailbox_file_release_before (MailboxSource *src, gsize offset);

/* Gives back the pages around the @length bytes at @offset, once that
 * message has been copied out, in whatever order they are read. */
void mailbox_file_release_message (const MailboxSource *src, gsize offset, gsize length);

/* Writes the @length bytes at @offset of the mapping to @fd, with mboxrd
 * quoting undone when @unescape. */
gboolean mailbox_file_write_span (int fd, const MailboxSource *src, gsize offset, gsize length,
                                  gboolean unescape, GError **error);

#endif
