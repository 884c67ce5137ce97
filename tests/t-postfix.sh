#!/bin/sh
# End-to-end with Postfix: a private instance, wired to liaison with the
# pipe(8) transport, main.cf lines and transport map of liaison(1) as
# printed there. Mail submitted with Postfix's sendmail to statements@ and
# to statements+ccamp@ is recorded, with its envelope; liaison's forwards go
# back out through the same Postfix and arrive in the local Maildirs of the
# list, the chairs and the manager; with the database locked, Postfix
# defers the message (status 75) and delivers it, once, when the queue is
# flushed after the lock is gone.
#
# The instance runs in a mount namespace of its own, where its
# configuration directory is mounted on /etc/postfix: it is the default
# instance there, so that liaison's /usr/sbin/sendmail, running as an
# unprivileged account, submits to it as on a real system, and nothing of
# the machine's own Postfix configuration is read, written or started. No
# port is opened: submission is by sendmail, delivery to Maildirs and to
# the pipe.
if [ -z "${LIAISON_IN_NAMESPACE:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "# skipped: needs root (a Postfix instance, a test account, a mount namespace)"
		exit 77
	fi
	for p in postfix postmap postqueue sendmail unshare setpriv useradd sqlite3; do
		if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$p" ]; then
			echo "# skipped: $p is not installed (scripts/deps.sh installs it)"
			exit 77
		fi
	done
	if ! unshare --mount true 2>/dev/null; then
		echo "# skipped: cannot make a mount namespace here"
		exit 77
	fi
	LIAISON_IN_NAMESPACE=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mta.sh"
S="$top_srcdir/samples/mail"

mta_user
# The configuration of the samples, sending through sendmail. The time
# limit is long enough to send (deliver keeps some of it back for that),
# and short while the database is locked, so that deliver gives up soon.
write_config "time-limit = 30"
sed -i "s|^method *=.*|method = sendmail\nsendmail = /usr/sbin/sendmail|" "$CONF"
chmod 644 "$CONF"

same_recipe "Postfix master.cf entry" Postfix 1 Postfix 1
same_recipe "Postfix main.cf lines" Postfix 2 Postfix 2
same_recipe "Postfix transport map" Postfix 3 Postfix 3

# The instance: its own configuration on /etc/postfix, its own queue, data
# and log, its own mail store.
PF=$T/postfix
mkdir -p "$PF/etc" "$PF/spool" "$PF/data" "$T/mail"
cp -a /etc/postfix/. "$PF/etc/"
rm -f "$PF/etc/main.cf" "$PF/etc/master.cf"
chown postfix "$PF/data"
chown "$U:$U" "$T/mail"
mount --bind "$PF/etc" /etc/postfix

# Every domain is local and virtual: each address of the configuration has
# its Maildir, MAIL/DOMAIN/LOCAL/; any other lands in MAIL/other/. So
# nothing leaves the machine, and no mail bounces.
grep -Eo '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+' "$CONF" | sort -u |
	awk -F@ '{ print $0 "\t" $2 "/" $1 "/" }' > /etc/postfix/mailboxes
echo '/./ other/' > /etc/postfix/mailboxes.other
echo '/./ OK' > /etc/postfix/domains
# mailbox ADDRESS: its Maildir.
mailbox () {
	m=$(awk -v a="$1" '$1 == a { print $2 }' /etc/postfix/mailboxes)
	echo "$T/mail/${m:-other/}"
}

cat > /etc/postfix/main.cf <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
myhostname = mx.liaison.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
biff = no
virtual_mailbox_domains = regexp:/etc/postfix/domains
virtual_mailbox_maps = texthash:/etc/postfix/mailboxes, regexp:/etc/postfix/mailboxes.other
virtual_mailbox_base = $T/mail
virtual_uid_maps = static:$U_UID
virtual_gid_maps = static:$U_GID
default_transport = error:5.7.1 no mail leaves the test instance
relay_transport = error:5.7.1 no mail leaves the test instance
EOF
recipe Postfix 2 >> /etc/postfix/main.cf

# The services a local instance needs, none of them chrooted, no smtpd;
# then liaison's entry.
cat > /etc/postfix/master.cf <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
recipe Postfix 1 >> /etc/postfix/master.cf
recipe Postfix 3 > /etc/postfix/transport
postmap /etc/postfix/transport
check "postmap /etc/postfix/transport" 0 "$?"

postfix check 2>"$T/postfix.err"
check "postfix check accepts the configuration" 0 "$?"
mta_at_exit 'postfix stop; for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$PF/spool/pid/master.pid" ] && kill -0 $(cat "$PF/spool/pid/master.pid") 2>/dev/null || break; sleep 0.5; done; postfix abort'
postfix start 2>>"$T/postfix.err"
check "postfix start" 0 "$?"
if ! wait_for 10 test -S "$PF/spool/public/pickup" -o -p "$PF/spool/public/pickup"; then
	not_ok "the instance is running"
	sed 's/^/#   /' "$T/postfix.err" "$PF/maillog" 2>/dev/null
	finish
fi

queue_empty () { postqueue -p 2>/dev/null | grep -q '^Mail queue is empty'; }
logged () { grep -c -- "$1" "$PF/maillog" 2>/dev/null || true; }
# logged_times N PATTERN: the mail log has N lines that match PATTERN.
logged_times () { [ "$(logged "$2")" -ge "$1" ]; }
msgid () { sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$1" | head -1; }
# arrived MESSAGE-ID ADDRESS: how many messages of ADDRESS's Maildir carry
# MESSAGE-ID.
arrived () {
	d=$(mailbox "$2")
	[ -d "$d/new" ] || { echo 0; return; }
	grep -l -i -F "Message-ID: <$1>" "$d/new"/* 2>/dev/null | wc -l
}
# delivered MESSAGE-ID ROLES: liaison's forwards of the statement recorded
# from MESSAGE-ID arrived, each once, in the Maildir of each address it was
# sent to, among them an address of each of ROLES; an address that had
# received the original (in its Cc) got none.
delivered () {
	sql "SELECT r.address, r.role, o.message_id FROM routes r
	     JOIN outbox o ON o.id = r.outbox
	     JOIN statements s ON s.id = r.statement
	     JOIN messages m ON m.id = s.message
	     WHERE m.message_id = '$1' AND r.status = 'sent' ORDER BY r.id" | tr '|' ' ' > "$T/routes"
	for role in $2; do
		check "$1: forwarded to the $role" 1 "$(awk -v r="$role" '$2 == r { n = 1 } END { print n + 0 }' "$T/routes")"
	done
	bad=0
	while read -r addr role mid; do
		n=$(arrived "$mid" "$addr")
		[ "$n" = 1 ] || { bad=$((bad + 1)); echo "#   $role $addr has $n copies of <$mid>"; }
	done < "$T/routes"
	check "$1: each of its $(wc -l < "$T/routes") forwards arrived once in its Maildir" 0 "$bad"
	sql "SELECT r.address, (SELECT o.message_id FROM outbox o WHERE o.statement = s.id AND o.kind = 'forward')
	     FROM routes r JOIN statements s ON s.id = r.statement JOIN messages m ON m.id = s.message
	     WHERE m.message_id = '$1' AND r.status = 'already-received'" | tr '|' ' ' > "$T/skipped"
	bad=0
	while read -r addr mid; do
		[ "$(arrived "$mid" "$addr")" = 0 ] || { bad=$((bad + 1)); echo "#   $addr got <$mid>"; }
	done < "$T/skipped"
	check "$1: none to the $(wc -l < "$T/skipped") that had it already" 0 "$bad"
}

# 1. statements@: recorded with its envelope, forwarded through Postfix.
m1="$S/01-action-ccamp.eml"; id1=$(msgid "$m1")
sendmail -f tsbsg15@itu.int statements@example.org < "$m1"
check "sendmail accepts the mail to statements@" 0 "$?"
wait_for 20 logged_times 1 'to=<statements@example.org>, relay=liaison.*status=sent' ||
	not_ok "Postfix delivered it to liaison"
check "recorded with its envelope" "statements@example.org|tsbsg15@itu.int|" \
	"$(sql "SELECT env_recipient, env_sender, coalesce(env_extension, '') FROM messages WHERE message_id = '$id1'")"
wait_for 20 queue_empty || not_ok "the forwards left the queue"
delivered "$id1" "list chair ad archive sender"

# 2. statements+ccamp@: the extension reaches liaison.
m2="$S/06-non-ascii.eml"; id2=$(msgid "$m2")
sendmail -f juergen.mueller@itu.int statements+ccamp@example.org < "$m2"
check "sendmail accepts the mail to statements+ccamp@" 0 "$?"
wait_for 20 logged_times 1 'to=<statements+ccamp@example.org>, relay=liaison.*status=sent' ||
	not_ok "Postfix delivered it to liaison"
check "the extension is recorded in env_extension" "statements+ccamp@example.org|ccamp" \
	"$(sql "SELECT env_recipient, env_extension FROM messages WHERE message_id = '$id2'")"
wait_for 20 queue_empty || not_ok "the forwards left the queue"
delivered "$id2" "list chair manager"

# 3. The database locked: liaison exits 75, Postfix defers; after the lock
# is gone a flush delivers it, once.
m3="$S/05-pdf-attachment.eml"; id3=$(msgid "$m3")
sed -i 's/^time-limit *=.*/time-limit = 2/' "$CONF"
hold_lock
check "another process holds the database's write lock" locked "$(cat "$T/holder.out")"
sendmail -f liaison@o-ran.org statements@example.org < "$m3"
check "sendmail accepts the mail while the database is locked" 0 "$?"
if wait_for 20 logged_times 1 'relay=liaison.*status=deferred'; then
	ok "the mail log says status=deferred"
else
	not_ok "the mail log says status=deferred"
fi
grep 'relay=liaison.*status=deferred' "$PF/maillog" | head -1 | sed 's/^.*\(dsn=\)/#   \1/'
check "liaison's 4.3.0 is Postfix's status" 1 "$(logged 'relay=liaison.*dsn=4.3.0, status=deferred')"
postqueue -p > "$T/queue"
check "postqueue -p shows it deferred" 1 "$(grep -c 'liaison@o-ran.org' "$T/queue")"
check "with liaison's reason" 1 "$(grep -c 'liaison: .*database is locked' "$T/queue")"
check "nothing of it was recorded" 0 "$(sql "SELECT count(*) FROM messages WHERE message_id = '$id3'")"
release_lock
sed -i 's/^time-limit *=.*/time-limit = 30/' "$CONF"
postqueue -f
check "postqueue -f" 0 "$?"
wait_for 30 logged_times 2 'to=<statements@example.org>, relay=liaison.*status=sent' ||
	not_ok "the flush delivered it to liaison"
wait_for 20 queue_empty && ok "the queue is empty" || { not_ok "the queue is empty"; sed 's/^/#   /' "$T/queue"; }
check "it is recorded once" 1 "$(sql "SELECT count(*) FROM messages WHERE message_id = '$id3'")"
delivered "$id3" "list chair manager"

# Nothing lost, nothing twice, and Postfix bounced nothing.
check "three messages, three statements" "3|3" \
	"$(sql 'SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM statements)')"
check "Postfix bounced nothing" 0 "$(logged 'status=bounced')"
check "integrity_check" ok "$(sql 'PRAGMA integrity_check')"
if [ "$failures" != 0 ]; then
	echo "# the outbox:"
	sql 'SELECT id, kind, state, attempts, last_error FROM outbox' | sed 's/^/#   /'
	echo "# the mail log:"
	sed 's/^/#   /' "$PF/maillog"
fi
finish
