/* transport/smtp.c: hands a message to an SMTP server through libetpan's
 * mailsmtp: connect, EHLO (HELO if refused), STARTTLS when the server
 * offers it, MAIL FROM, RCPT TO for each recipient, DATA. A 4xx reply or a
 * broken connection leaves the message queued; a 5xx refuses it (or the
 * one recipient) for good. The only file that includes libetpan's SMTP
 * headers. */
#include "config.h"

#include <string.h>

#include <libetpan/libetpan.h>

#include "error.h"
#include "statement.h"
#include "transport.h"

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

static gboolean
smtp_send (Transport *transport, const char *sender, GPtrArray *recipients,
           const char *path, guint timeout, GPtrArray *refused, GError **error)
{
	SmtpTransport *t = (SmtpTransport *) transport;
	g_auto (SmtpSession) session = NULL;
	g_autoptr (GMappedFile) file = NULL;
	g_autoptr (GError) map_error = NULL;
	const char *contents;
	guint accepted = 0;
	gsize length;
	int r;

	file = g_mapped_file_new (path, FALSE, &map_error);
	if (file == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s", map_error->message);
		return FALSE;
	}
	contents = g_mapped_file_get_contents (file);

	session = mailsmtp_new (0, NULL);
	if (session == NULL) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_NOMEM, "out of memory");
		return FALSE;
	}
	mailsmtp_set_timeout (session, (time_t) timeout);
	r = mailsmtp_socket_connect (session, t->host, (uint16_t) t->port);
	if (r != MAILSMTP_NO_ERROR) {
		g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "cannot connect to %s:%u: %s",
		             t->host, t->port, mailsmtp_strerror (r));
		return FALSE;
	}
	r = mailesmtp_ehlo (session);
	if (r == MAILSMTP_ERROR_NOT_IMPLEMENTED)
		r = mailsmtp_helo (session);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "EHLO", t, error);

	/* Encrypt when offered. A server that offers STARTTLS and then fails
	 * it is retried later rather than spoken to in the clear. The
	 * certificate is not verified: this is opportunistic TLS (RFC 7435)
	 * to the relay we were configured to use. */
	if (session->esmtp & MAILSMTP_ESMTP_STARTTLS) {
		r = mailsmtp_socket_starttls (session);
		if (r != MAILSMTP_NO_ERROR) {
			g_set_error (error, LIAISON_ERROR, LIAISON_ERROR_TRANSPORT, "%s:%u: STARTTLS: %s",
			             t->host, t->port, mailsmtp_strerror (r));
			return FALSE;
		}
		r = mailesmtp_ehlo (session);
		if (r != MAILSMTP_NO_ERROR)
			return smtp_error (session, r, "EHLO after STARTTLS", t, error);
	}

	r = mailsmtp_mail (session, sender);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "MAIL FROM", t, error);
	for (guint i = 0; i < recipients->len; i++) {
		const char *rcpt = g_ptr_array_index (recipients, i);

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
	r = mailsmtp_data_message (session, contents, length);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error (session, r, "end of DATA", t, error);
	(void) mailsmtp_quit (session);
	return TRUE;
}

static const TransportClass smtp_class = {
	"smtp",
	smtp_send,
	smtp_free,
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
