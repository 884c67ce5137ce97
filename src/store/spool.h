/* spool.h: the content-addressed spool. Raw messages live in
 * SPOOL/msg/XX/SHA256 and attachments in SPOOL/att/XX/SHA256 (XX: the first
 * two hex digits); temporary files in SPOOL/tmp. Every file is written to a
 * temporary name, fsynced, and renamed (its directory fsynced) before the
 * transaction that refers to it commits. */
#ifndef LIAISON_SPOOL_H
#define LIAISON_SPOOL_H

#include <glib.h>
#include <gmime/gmime.h>

/* Creates SPOOL/tmp, SPOOL/msg and SPOOL/att if needed. */
gboolean spool_prepare (const char *spool, GError **error);

/* Makes the temporary file @tmp_path (already written) durable as
 * SPOOL/KIND/XX/@sha256: fsyncs it, hard-links it into place (keeping
 * @tmp_path), fsyncs the directory. If the file exists already (the
 * same bytes), only fsyncs the directory. Sets *created when it made a
 * new file (which guard_add_path() then covers until the commit). Errors
 * are temporary. */
gboolean spool_commit (const char *spool, const char *kind, const char *tmp_path,
                       const char *sha256, gboolean *created, GError **error);

/* Deferred syncs, for `reinject`'s batches (one transaction for many
 * messages): after spool_defer_begin(), spool_commit() links files into
 * place without fsyncing them or their directory and remembers both;
 * spool_defer_sync() then fsyncs each file and each directory once. The
 * caller must call it, and have it succeed, before the COMMIT of the rows
 * that name those files. spool_defer_forget() drops a file that was
 * removed again (its message rolled back); spool_defer_end() stops
 * deferring. `deliver` never defers: its files are synced one by one
 * before its own commit. */
void spool_defer_begin (void);
gboolean spool_deferring (void);
gboolean spool_defer_sync (GError **error);
void spool_defer_forget (const char *path);
void spool_defer_end (void);

/* A stream writing to @fd (not owned) for a file of the spool. Its flush
 * does not sync: spool_commit() fsyncs the file, or spool_defer_sync()
 * while syncs are deferred. */
GMimeStream *spool_file_stream (int fd);

/* A temporary file of the spool being written through GMime streams, with
 * the SHA-256 of exactly the bytes written. spool_writer_open() creates
 * DIR/PREFIX.XXXXXX (covered by guard_add_path()) and gives the stream to
 * write to: through @filter first when not NULL, then the checksum.
 * spool_writer_close() flushes (no sync: spool_commit() fsyncs the file
 * unless syncs are deferred) and closes it, and returns its path (newly allocated), with
 * *sha256 (hex, newly allocated) and *size; on an error it removes the
 * file, as spool_writer_abort() does, and says @what failed. */
typedef struct {
	char *path;
	int fd;
	GMimeStream *file;
	GMimeStream *filtered;
	GMimeFilter *checksum;
} SpoolWriter;

GMimeStream *spool_writer_open (SpoolWriter *writer, const char *dir, const char *prefix,
                                GMimeFilter *filter, GError **error);
char *spool_writer_close (SpoolWriter *writer, const char *what, char **sha256, gint64 *size,
                          GError **error);
void spool_writer_abort (SpoolWriter *writer);

/* The path of a stored file. Newly allocated. */
char *spool_path (const char *spool, const char *kind, const char *sha256);

/* Decodes @part's content into a new temporary file under SPOOL/tmp,
 * streaming, and returns its path; sets *sha256 (hex, newly allocated) and
 * *size (decoded bytes). The temporary file is covered by guard_add_path();
 * the caller unlinks it. */
char *spool_write_part (const char *spool, GMimePart *part, char **sha256, gint64 *size,
                        GError **error);

/* Removes files in SPOOL/tmp older than @max_age seconds (left by killed
 * processes). Returns how many were removed. */
guint spool_clean_tmp (const char *spool, guint max_age);

/* The names (SHA-256) of the stored files of @kind ("msg", "att", "out")
 * last changed more than @max_age seconds ago, except those that
 * @except (NULL for none) holds: only the others are looked at, so that
 * a spool of many files costs a read of its directories, not a stat of
 * each. Array of char*. */
GPtrArray *spool_list_old (const char *spool, const char *kind, guint max_age,
                           GHashTable *except);

/* Removes the stored file @sha256 of @kind. FALSE (errno set) when it
 * could not. */
gboolean spool_remove (const char *spool, const char *kind, const char *sha256);

#endif
