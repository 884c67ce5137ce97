/* mailbox.h: reading whole mailboxes for `reinject`: mbox (mboxo, mboxrd,
 * Content-Length, CR LF), MMDF, files of messages without From_ lines,
 * Maildir, MH, and "-" (an mbox on standard input). Its mailbox-file.c is
 * the only file that includes libetpan's headers. A mailbox here is a file
 * or folder of messages; an RFC 5322 address is conf.h's Address. */
#ifndef LIAISON_MAILBOX_H
#define LIAISON_MAILBOX_H

#include <glib.h>

typedef enum {
	MAILBOX_FORMAT_MBOX,     /* From_ lines (read with libetpan's mailmbox) */
	MAILBOX_FORMAT_MMDF,     /* messages between ^A^A^A^A lines */
	MAILBOX_FORMAT_HEADERS,  /* messages one after another, no separator
	                          * lines: each starts at a header block after a
	                          * blank line (also a file of one message) */
	MAILBOX_FORMAT_MAILDIR,  /* a directory with cur/ and/or new/ */
	MAILBOX_FORMAT_MH,       /* a directory of numbered files */
} MailboxFormat;

/* An open mailbox. It holds an index of its messages (offsets or file
 * names), never their text: the files of a mailbox are mapped, not read. */
typedef struct MailboxSource MailboxSource;

/* One message of a mailbox. */
typedef struct {
	MailboxSource *source;   /* the mailbox it is in (not owned) */
	guint number;            /* its position in the mailbox, from 1 */
	gint64 date;             /* its Date header as Unix time; when that is
	                          * missing or unreadable, its arrival time, else
	                          * the date of the message before it (0 for none) */
	gint64 arrival;          /* when it arrived: the Maildir file name's
	                          * time, else the topmost Received field's date,
	                          * else the From_ line's, else the Date field's,
	                          * else the file's time; 0 when none is known */
	char *envelope_sender;   /* from the From_ line or Return-Path ("" for
	                          * the null sender), or NULL */
	char *envelope_recipient;/* from X-Original-To or Delivered-To, or NULL */
	/* Where its bytes are: a file of its own (Maildir, MH), or a span of
	 * the mailbox file (without the From_ line or separator). */
	char *path;              /* NULL for a span */
	int dir_fd;              /* the directory @path is in, opened by the
	                          * source (not owned); -1 for a span */
	gsize offset;
	gsize length;
	gboolean unescape;       /* mboxrd: ">From " lines lose one '>' */
} MailboxEntry;

void mailbox_entry_free (MailboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MailboxEntry, mailbox_entry_free)

/* What a Maildir or MH folder holds that is not read: nothing below the
 * mailbox named is followed if it is a link, and only regular files are
 * opened. Dot files are not counted (.mh_sequences, Maildir++ folders). */
typedef struct {
	guint links;             /* symbolic links (files, or cur/ and new/) */
	guint special;           /* directories, FIFOs, sockets, devices */
	guint names;             /* MH: names that are not message numbers
	                          * ("12abc", "0", "99999999999999999999") */
} MailboxSkips;

/* Opens @name: a file (mbox, MMDF or a file of messages, told apart by its
 * first line), a directory (Maildir if it has cur/ or new/, MH if it holds
 * numbered files), or "-": standard input, copied first into a temporary
 * file in @tmp_dir (removed by mailbox_source_close) and read as a file.
 * @name itself may be a link, which is followed (the user named it); in a
 * directory, links and files other than regular ones are skipped and
 * said (mailbox_source_skipped()). An mbox is read under a shared fcntl
 * lock, held until it is closed. Nothing is ever written into a mailbox.
 * Errors: LIAISON_ERROR_NOT_FOUND, _IO, _BUSY (an mbox locked by a writer
 * for too long), _FAILED (not a mailbox). */
MailboxSource *mailbox_source_open (const char *name, const char *tmp_dir, GError **error);
void mailbox_source_close (MailboxSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MailboxSource, mailbox_source_close)

/* The name it was opened with ("-" for standard input). */
const char *mailbox_source_name (const MailboxSource *source);
MailboxFormat mailbox_source_format (const MailboxSource *source);
/* "mbox", "mmdf", "headers", "maildir", "mh". Static. */
const char *mailbox_format_to_string (MailboxFormat format);

/* The counts of what @source has skipped so far, and one sentence for each
 * ("PATH: a symbolic link: not read"), in the order met; owned by @source.
 * Listing a directory skips most; mailbox_source_next() adds a file swapped
 * for a link, a FIFO or a device since. */
const MailboxSkips *mailbox_source_skips (const MailboxSource *source);
const GPtrArray *mailbox_source_skipped (const MailboxSource *source);

/* The number of the MH message file @name: a decimal number from 1 to
 * G_MAXUINT, digits only (leading zeros allowed, as nmh reads them: "007"
 * is 7), else 0. Pure. */
guint mailbox_mh_number (const char *name);

/* The next message of @source, in mailbox order (file order; Maildir files
 * by name; MH by number), newly allocated; NULL at the end, or with @error
 * set when a file of a Maildir or MH folder cannot be read (the next call
 * goes on with the one after it). A file of a folder is opened with
 * O_NOFOLLOW and O_NONBLOCK, relative to its directory, and read only if
 * it is a regular file: one that has become anything else is skipped. */
MailboxEntry *mailbox_source_next (MailboxSource *source, GError **error);

/* Opens a descriptor from which the raw message of @entry reads from its
 * first byte to its end (mboxrd quoting undone): the message's own file, or
 * an anonymous memory file holding the span. The caller closes it. Errors
 * are LIAISON_ERROR_IO, _NOMEM or _NOSPACE, and _FAILED for a file that is
 * no longer a regular file (a link, a FIFO: never followed or waited on). */
int mailbox_entry_open (const MailboxEntry *entry, GError **error);

/* "mbox.src: message 12 (byte 3456)" or the file name, for messages to the
 * user. Newly allocated. */
char *mailbox_entry_describe (const MailboxEntry *entry);

#endif
