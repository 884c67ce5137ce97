/* transport/smtp.c: hands a message to an SMTP server through libetpan's
 * mailsmtp: connect, EHLO (HELO if refused), STARTTLS when the server
 * offers it, MAIL FROM, RCPT TO for each recipient, DATA. A 4xx reply or a
 * broken connection leaves the message queued; a 5xx refuses it (or the
 * one recipient) for good. The only file that includes libetpan's SMTP
 * headers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "base/error.h"
#include "base/etpan.h"
#include "base/statement.h"
#include "outbound/transport.h"

typedef struct {
	Transport parent;
	char *host;
	guint port;
} SmtpTransport;

/* libetpan's session, closed when it goes out of scope. */
typedef mailsmtp *SmtpSession;

static void
session_free (mailsmtp *session)
{
	if (session != NULL)
		mailsmtp_free (session);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (SmtpSession, session_free, NULL)

static void
smtp_free (Transport *transport)
{
	SmtpTransport *t = (SmtpTransport *) transport;

	g_free (t->host);
	g_free (t);
}

/* Sets @error from the session's last reply: 5xx is permanent. */
static gboolean
smtp_error (mailsmtp *session, int r, const char *what, const SmtpTransport *t, GError **error)
{
	g_autofree char *reply = statement_clean_line (session->response);
	int code = session->response_code;

	if (code >= 200 && code < 600 && *reply != '\0')
		g_set_error (error, LIAISON_ERROR,
		             code >= 500 ? LIAISON_ERROR_FAILED : LIAISON_ERROR_TRANSPORT,
		             "%s:%u: %s: %d %s", t->host, t->port, what, code, reply);
	else
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s:%u: %s: %s",
		             t->host, t->port, what, mailsmtp_strerror (r));
	return FALSE;
}

/* Gives the next step of the exchange what is left of the time limit (libetpan
 * times each read and write, not the whole exchange). FALSE, with @error
 * set, when nothing is left. */
static gboolean
time_left (mailsmtp *session, gint64 deadline, const SmtpTransport *t, GError **error)
{
	gint64 left = (deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC;

	if (left < 1) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s:%u: time limit reached",
		             t->host, t->port);
		return FALSE;
	}
	mailsmtp_set_timeout (session, (time_t) left);
	if (session->stream != NULL && mailstream_get_low (session->stream) != NULL)
		mailstream_low_set_timeout (mailstream_get_low (session->stream), (time_t) left);
	return TRUE;
}

/* Connects to @t's server by the end of @deadline; the descriptor, or -1
 * with @error set. libetpan's own connect would read the greeting without
 * any time limit of ours. */
static int
connect_by (const SmtpTransport *t, gint64 deadline, GError **error)
{
	struct addrinfo hints = { 0 }, *list = NULL;
	g_autofree char *port = g_strdup_printf ("%u", t->port);
	int fd = -1, rc, errsv = 0;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	rc = getaddrinfo (t->host, port, &hints, &list);
	if (rc != 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "cannot find %s: %s", t->host,
		             gai_strerror (rc));
		return -1;
	}
	for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t len = sizeof errsv;
		gint64 left;

		fd = socket (ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			errsv = errno;
			continue;
		}
		(void) fcntl (fd, F_SETFD, FD_CLOEXEC);
		(void) fcntl (fd, F_SETFL, O_NONBLOCK);
		if (connect (fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			errsv = errno;
			close (fd);
			fd = -1;
			continue;
		}
		pfd = (struct pollfd) { fd, POLLOUT, 0 };
		left = (deadline - g_get_monotonic_time ()) / 1000;
		if (left <= 0 || poll (&pfd, 1, (int) MIN (left, G_MAXINT)) <= 0) {
			errsv = ETIMEDOUT;
			close (fd);
			fd = -1;
			break;
		}
		if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &errsv, &len) < 0 || errsv != 0) {
			if (errsv == 0)
				errsv = errno;
			close (fd);
			fd = -1;
			continue;
		}
		(void) fcntl (fd, F_SETFL, 0);
		break;
	}
	freeaddrinfo (list);
	if (fd < 0)
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "cannot connect to %s:%u: %s",
		             t->host, t->port, g_strerror (errsv != 0 ? errsv : ECONNREFUSED));
	return fd;
}

/* A session with @t's server, its greeting read, by @deadline; NULL with
 * @error set. */
static mailsmtp *
session_open (const SmtpTransport *t, gint64 deadline, GError **error)
{
	g_auto (SmtpSession) session = mailsmtp_new (0, NULL);
	mailstream *stream;
	int fd, r;

	if (session == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOMEM, "out of memory");
		return NULL;
	}
	if (!time_left (session, deadline, t, error))
		return NULL;
	fd = connect_by (t, deadline, error);
	if (fd < 0)
		return NULL;
	stream = mailstream_socket_open_timeout (fd, (time_t) MAX ((deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC, 1));
	if (stream == NULL) {
		close (fd);
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOMEM, "out of memory");
		return NULL;
	}
	/* The session owns the stream from here on, even when this fails. */
	r = mailsmtp_connect (session, stream);
	if (r != MAILSMTP_NO_ERROR) {
		smtp_error (session, r, "greeting", t, error);
		return NULL;
	}
	return g_steal_pointer (&session);
}

/* EHLO (HELO if refused), and STARTTLS with a second EHLO when offered. */
static gboolean
hello (mailsmtp *session, gint64 deadline, const SmtpTransport *t, GError **error)
{
	int r;

	if (!time_left (session, deadline, t, error))
		return FALSE;
	r = mailesmtp_ehlo (session);
	if (r == MAILSMTP_ERROR_NOT_IMPLEMENTED)
		r = mailsmtp_helo (session);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "EHLO", t, error);

	/* Encrypt when offered. A server that offers STARTTLS and then fails
	 * it is retried later rather than spoken to in the clear. The
	 * certificate is not verified: this is opportunistic TLS (RFC 7435)
	 * to the relay we were configured to use. */
	if (!(session->esmtp & MAILSMTP_ESMTP_STARTTLS))
		return TRUE;
	if (!time_left (session, deadline, t, error))
		return FALSE;
	r = mailsmtp_socket_starttls (session);
	if (r != MAILSMTP_NO_ERROR) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s:%u: STARTTLS: %s",
		             t->host, t->port, mailsmtp_strerror (r));
		return FALSE;
	}
	if (!time_left (session, deadline, t, error))
		return FALSE;
	r = mailesmtp_ehlo (session);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "EHLO after STARTTLS", t, error);
	return TRUE;
}

/* MAIL FROM and RCPT TO for each recipient. A recipient refused for good
 * (5xx) goes into @refused (when given) and the others are sent to; a
 * temporary refusal of one, or a refusal of all, fails the whole. */
static gboolean
envelope (mailsmtp *session, const char *sender, GPtrArray *recipients, GPtrArray *refused,
          gint64 deadline, const SmtpTransport *t, GError **error)
{
	guint accepted = 0;
	int r;

	if (!time_left (session, deadline, t, error))
		return FALSE;
	r = mailsmtp_mail (session, sender);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "MAIL FROM", t, error);
	for (guint i = 0; i < recipients->len; i++) {
		const char *rcpt = g_ptr_array_index (recipients, i);

		if (!time_left (session, deadline, t, error))
			return FALSE;
		r = mailsmtp_rcpt (session, rcpt);
		if (r == MAILSMTP_NO_ERROR) {
			accepted++;
			continue;
		}
		if (session->response_code >= 500 && session->response_code < 600) {
			if (refused != NULL)
				g_ptr_array_add (refused, g_strdup (rcpt));
			continue;
		}
		/* A temporary refusal of one recipient: nothing has been sent,
		 * so the whole message waits and is tried again. */
		smtp_error (session, r, "RCPT TO", t, error);
		(void) mailsmtp_reset (session);
		(void) mailsmtp_quit (session);
		return FALSE;
	}
	if (accepted == 0) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_FAILED, "%s:%u refused every recipient",
		             t->host, t->port);
		(void) mailsmtp_quit (session);
		return FALSE;
	}
	return TRUE;
}

/* DATA: the message mapped in @file, then QUIT. */
static gboolean
send_data (mailsmtp *session, GMappedFile *file, gint64 deadline, const SmtpTransport *t,
           GError **error)
{
	const char *contents = g_mapped_file_get_contents (file);
	gsize length;
	int r;

	if (!time_left (session, deadline, t, error))
		return FALSE;
	r = mailsmtp_data (session);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "DATA", t, error);
	/* libetpan turns LF into CR LF, doubles leading dots, and ends with
	 * CR LF . CR LF of its own: the message goes without its last line
	 * end, or the recipient would get an extra empty line. */
	length = g_mapped_file_get_length (file);
	if (length > 0 && contents[length - 1] == '\n')
		length--;
	if (length > 0 && contents[length - 1] == '\r')
		length--;
	if (!time_left (session, deadline, t, error))
		return FALSE;
	r = mailsmtp_data_message (session, contents, length);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "end of DATA", t, error);
	(void) mailsmtp_quit (session);
	return TRUE;
}

static gboolean
smtp_send (Transport *transport, const char *sender, GPtrArray *recipients,
           const char *path, guint timeout, GPtrArray *refused, GError **error)
{
	SmtpTransport *t = (SmtpTransport *) transport;
	g_auto (SmtpSession) session = NULL;
	g_autoptr (GMappedFile) file = NULL;
	g_autoptr (GError) map_error = NULL;
	gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;

	/* The library missing leaves the message queued, as a server that
	 * cannot be reached does. */
	if (!etpan_load (LIAISON_ERROR_TRANSPORT, error))
		return FALSE;
	file = g_mapped_file_new (path, FALSE, &map_error);
	if (file == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s", map_error->message);
		return FALSE;
	}
	session = session_open (t, deadline, error);
	return session != NULL && hello (session, deadline, t, error)
	       && envelope (session, sender, recipients, refused, deadline, t, error)
	       && send_data (session, file, deadline, t, error);
}

static const TransportClass smtp_class = {
	"smtp",
	smtp_send,
	smtp_free,
	NULL,                    /* each hand-over is acknowledged on its own */
	NULL,
};

Transport *
transport_smtp_new (const char *host, guint port)
{
	SmtpTransport *t = g_new0 (SmtpTransport, 1);

	t->parent.klass = &smtp_class;
	t->host = g_strdup (host != NULL ? host : "localhost");
	t->port = port > 0 ? port : 25;
	return &t->parent;
}
