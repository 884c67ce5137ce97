/* etpan.h: libetpan, opened with dlopen() the first time the SMTP
 * transport or the mbox reader needs it, not linked. Linked, it and what
 * it brings (GnuTLS, Berkeley DB, SASL) cost every run of the program
 * 6.4 M instructions to load and relocate (callgrind), though only a
 * hand-over by SMTP and a reinject of an mbox call it. A file that calls
 * libetpan includes this header after libetpan's own and calls
 * etpan_load() before the first call: the names below then go through
 * the pointers. */
#ifndef LIAISON_ETPAN_H
#define LIAISON_ETPAN_H

#include <glib.h>
#include <libetpan/libetpan.h>

/* libetpan exports the parser of its mailmbox_parse.h but does not install
 * that header. This is the declaration from it, unchanged since 2003: it
 * indexes the messages of folder->mb_mapping from *indx on into
 * folder->mb_tab. */
int mailmbox_parse_additionnal (struct mailmbox_folder *folder, size_t *indx);

#define ETPAN_FUNCTIONS(F) \
	F (mailesmtp_ehlo) \
	F (mailsmtp_connect) \
	F (mailsmtp_data) \
	F (mailsmtp_data_message) \
	F (mailsmtp_free) \
	F (mailsmtp_helo) \
	F (mailsmtp_mail) \
	F (mailsmtp_new) \
	F (mailsmtp_quit) \
	F (mailsmtp_rcpt) \
	F (mailsmtp_reset) \
	F (mailsmtp_set_timeout) \
	F (mailsmtp_socket_starttls) \
	F (mailsmtp_strerror) \
	F (mailstream_get_low) \
	F (mailstream_low_set_timeout) \
	F (mailstream_socket_open_timeout) \
	F (mailmbox_close) \
	F (mailmbox_folder_free) \
	F (mailmbox_folder_new) \
	F (mailmbox_map) \
	F (mailmbox_open) \
	F (mailmbox_parse_additionnal) \
	F (mailmbox_unmap)

#define ETPAN_DECLARE_POINTER(name) __typeof__ (name) *f_##name;
typedef struct {
	ETPAN_FUNCTIONS (ETPAN_DECLARE_POINTER)
} EtpanFunctions;
#undef ETPAN_DECLARE_POINTER

extern EtpanFunctions etpan;

/* Opens libetpan once per process. FALSE with @error in LIAISON_ERROR,
 * with @code (the caller's kind of failure: the library missing is as
 * temporary as the failure it stands in for), when it cannot be. */
gboolean etpan_load (int code, GError **error);

/* From here on the calls go through the pointers. */
#define mailesmtp_ehlo (*etpan.f_mailesmtp_ehlo)
#define mailsmtp_connect (*etpan.f_mailsmtp_connect)
#define mailsmtp_data (*etpan.f_mailsmtp_data)
#define mailsmtp_data_message (*etpan.f_mailsmtp_data_message)
#define mailsmtp_free (*etpan.f_mailsmtp_free)
#define mailsmtp_helo (*etpan.f_mailsmtp_helo)
#define mailsmtp_mail (*etpan.f_mailsmtp_mail)
#define mailsmtp_new (*etpan.f_mailsmtp_new)
#define mailsmtp_quit (*etpan.f_mailsmtp_quit)
#define mailsmtp_rcpt (*etpan.f_mailsmtp_rcpt)
#define mailsmtp_reset (*etpan.f_mailsmtp_reset)
#define mailsmtp_set_timeout (*etpan.f_mailsmtp_set_timeout)
#define mailsmtp_socket_starttls (*etpan.f_mailsmtp_socket_starttls)
#define mailsmtp_strerror (*etpan.f_mailsmtp_strerror)
#define mailstream_get_low (*etpan.f_mailstream_get_low)
#define mailstream_low_set_timeout (*etpan.f_mailstream_low_set_timeout)
#define mailstream_socket_open_timeout (*etpan.f_mailstream_socket_open_timeout)
#define mailmbox_close (*etpan.f_mailmbox_close)
#define mailmbox_folder_free (*etpan.f_mailmbox_folder_free)
#define mailmbox_folder_new (*etpan.f_mailmbox_folder_new)
#define mailmbox_map (*etpan.f_mailmbox_map)
#define mailmbox_open (*etpan.f_mailmbox_open)
#define mailmbox_parse_additionnal (*etpan.f_mailmbox_parse_additionnal)
#define mailmbox_unmap (*etpan.f_mailmbox_unmap)

#endif
