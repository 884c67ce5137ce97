/* mailbox-file.h: mailbox files (mbox, MMDF, bare messages) for mailbox.c,
 * and nobody else: map one and cut it into spans, read the header fields
 * that date a message, and copy a span out. */
#ifndef LIAISON_MAILBOX_FILE_H
#define LIAISON_MAILBOX_FILE_H

#include <string.h>

#include <glib.h>

struct mailmbox_folder;

/* One message of a mailbox file. */
typedef struct {
	gsize envelope;          /* its From_ line, or G_MAXSIZE for none */
	gsize start;             /* its first byte (after the From_ line) */
	gsize end;               /* one past its last byte */
	gboolean unescape;       /* undo mboxrd quoting when reading it */
} Span;

/* What a mailbox file is, told by its first line that is not blank. */
typedef enum {
	MAILBOX_FILE_MBOX,       /* From_ lines (and an empty file) */
	MAILBOX_FILE_MMDF,
	MAILBOX_FILE_HEADERS,    /* messages without separator lines */
} MailboxFileKind;

/* An open mailbox file: the mapping and the messages in it. */
typedef struct {
	const char *name;                /* as given, for messages (not owned) */
	const char *path;                /* the file read (not owned) */
	MailboxFileKind kind;
	struct mailmbox_folder *folder;  /* mbox, through libetpan */
	GMappedFile *mapped;             /* MMDF and headers */
	const char *data;
	gsize size;
	GArray *spans;                   /* Span */
	gsize released;                  /* the pages before it are given back */
} MailboxFile;

/* What the header block of a message and its From_ line tell of it. */
typedef struct {
	gint64 date;             /* its Date field as Unix time, or 0 */
	gint64 arrival;          /* when it arrived (see MailboxEntry), or 0 */
	char *sender;            /* the envelope sender: Return-Path's address,
	                          * else the From_ line's; "" for the null
	                          * sender; NULL for none */
	char *recipient;         /* X-Original-To's address, else Delivered-To's,
	                          * or NULL */
} MailboxFileHeaders;

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

/* Maps the regular file @path (opened as @name; both must outlive @file),
 * tells an mbox (read under a shared lock with libetpan), an MMDF mailbox
 * and a file of bare messages apart by their first line that is not
 * blank, and cuts it into @file->spans. */
gboolean mailbox_file_open (MailboxFile *file, const char *name, const char *path,
                            GError **error);

/* Unmaps and closes what mailbox_file_open() opened. */
void mailbox_file_close (MailboxFile *file);

/* Reads the header block at @header of @d (up to @end), and its From_ line
 * at @from_line when @has_from_line, into @out. The arrival time is
 * @envelope_time (a Maildir name's) when positive, else the topmost Received
 * field's, else the From_ line's, else the Date field's, else @fallback. */
void mailbox_file_read_headers (const char *d, gsize header, gsize end, gboolean has_from_line,
                                gsize from_line, gint64 envelope_time, gint64 fallback,
                                MailboxFileHeaders *out);

/* Gives back the whole pages of the mapping before @offset: the messages
 * before it have been handed over. */
void mailbox_file_release_before (MailboxFile *file, gsize offset);

/* Gives back the pages around the @length bytes at @offset, once that
 * message has been copied out, in whatever order they are read. */
void mailbox_file_release_message (const MailboxFile *file, gsize offset, gsize length);

/* Writes the @length bytes at @offset of the mapping to @fd, with mboxrd
 * quoting undone when @unescape. */
gboolean mailbox_file_write_span (int fd, const MailboxFile *file, gsize offset, gsize length,
                                  gboolean unescape, GError **error);

#endif
