#!/bin/sh
# End-to-end: the SMTP transport (libetpan) against a small fake server
# written in Python: the envelope, the message as received (line ends, dot
# stuffing), a recipient refused for good, a server that says "try later",
# and no server at all. Skipped without python3.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
S="$top_srcdir/samples/mail"

cat > "$T/smtpd.py" <<'EOF'
# A one-connection-at-a-time SMTP server for tests. argv: state directory.
# It writes its port to DIR/port, each envelope command to DIR/envelope.log,
# each message (unstuffed) to DIR/msg.N. DIR/mode: "ok", "tempfail", or
# "hang" (say nothing for a minute).
# Recipients containing "refuse" get a 550.
import os, socket, sys, time
d = sys.argv[1]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(5)
with open(os.path.join(d, "port.tmp"), "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
n = 0
def mode():
    try:
        return open(os.path.join(d, "mode")).read().strip()
    except OSError:
        return "ok"
def log(line):
    with open(os.path.join(d, "envelope.log"), "a") as f:
        f.write(line + "\n")
while True:
    conn, _ = srv.accept()
    r = conn.makefile("rb")
    def send(s):
        conn.sendall(s.encode() + b"\r\n")
    if mode() == "hang":
        time.sleep(60)
    send("220 fake.example ESMTP")
    while True:
        line = r.readline()
        if not line:
            break
        cmd = line.decode("utf-8", "replace").rstrip("\r\n")
        up = cmd.upper()
        if up.startswith("EHLO"):
            send("250-fake.example\r\n250-PIPELINING\r\n250 8BITMIME")
        elif up.startswith("HELO"):
            send("250 fake.example")
        elif up.startswith("MAIL FROM:"):
            log(cmd)
            if mode() == "tempfail":
                send("451 4.3.0 try again later")
            else:
                send("250 2.1.0 ok")
        elif up.startswith("RCPT TO:"):
            log(cmd)
            send("550 5.1.1 no such user" if "refuse" in cmd else "250 2.1.5 ok")
        elif up == "DATA":
            send("354 go ahead")
            data = []
            while True:
                l = r.readline()
                if l in (b".\r\n", b".\n", b""):
                    break
                if l.startswith(b".."):
                    l = l[1:]
                data.append(l)
            n += 1
            with open(os.path.join(d, "msg.%d" % n), "wb") as f:
                f.write(b"".join(data))
            log("DATA %d" % n)
            send("250 2.0.0 queued as %d" % n)
        elif up in ("RSET", "NOOP"):
            send("250 ok")
        elif up == "QUIT":
            send("221 bye")
            break
        else:
            send("502 5.5.2 what")
    conn.close()
EOF
python3 "$T/smtpd.py" "$T" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$T"' EXIT
for i in $(seq 50); do [ -f "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")

use_port () {
	write_config "method = smtp"
	sed -i "s|^\[delivery\]|[delivery]\nsmtp-host = 127.0.0.1\nsmtp-port = $1|" "$CONF"
}
routes () { "$LIAISON" -c "$CONF" show --json "$1" | jq -r '[.routes[] | "\(.address) \(.status)"] | join("; ")'; }

# A statement whose body has lines starting with dots, and one recipient
# (a chair) that the server refuses.
use_port "$port"
sed -i 's|^chairs = Daniele Ceccarelli <dc@example.net>;Fatai Zhang <fz@example.net>|chairs = Daniele Ceccarelli <dc@example.net>;Fatai Zhang <refuse-fz@example.net>|' "$CONF"
sed -e 's|^FlexO-based interfaces for 800G and 1.6T. These interfaces introduce new$|&\n.\n..and a line with dots\n.|' \
    "$S/01-action-ccamp.eml" > "$T/dots.eml"
check "the test message has its dot lines" 3 "$(grep -c '^\.' "$T/dots.eml")"
deliver "$T/dots.eml"
check "deliver over SMTP exits 0" 0 "$rc"
check "two messages were accepted" 2 "$(grep -c '^DATA' "$T/envelope.log")"
check "the envelope sender is the forward's VERP address" \
	"MAIL FROM:<$(sql "SELECT sender FROM outbox WHERE message_id = '$(our_id LS-2026-0001 forward)'")>" \
	"$(head -1 "$T/envelope.log")"
check "which is statements+bounce-TOKEN@" yes \
	"$(head -1 "$T/envelope.log" | grep -qx 'MAIL FROM:<statements+bounce-[a-z2-7]\{26\}@example.org>' && echo yes)"
check "the forward's recipients" \
	"RCPT TO:<ccamp@ietf.org> RCPT TO:<dc@example.net> RCPT TO:<refuse-fz@example.net> RCPT TO:<jgs@example.org> RCPT TO:<statements-archive@example.org>" \
	"$(sed -n '2,6p' "$T/envelope.log" | tr '\n' ' ' | sed 's/ $//')"
check "lines end in CR LF on the wire" "$(wc -l < "$T/msg.1")" "$(grep -c "$(printf '\r')$" "$T/msg.1")"
tr -d '\r' < "$T/msg.1" > "$T/msg1.txt"
queued=$(grep -l "^Message-Id: <$(our_id LS-2026-0001 forward)>" "$T"/spool/out/*/*)
check "the forward arrives as queued, dot lines and all" "" "$(diff "$queued" "$T/msg1.txt")"
check "dot lines arrive whole" 6 "$(grep -c '^\.' "$T/msg1.txt")"
check "the refused chair's route is failed, the others sent" \
	"ccamp@ietf.org sent; dc@example.net sent; refuse-fz@example.net failed; jgs@example.org sent; scott.mansfield@example.com already-received; statements-archive@example.org sent; tsbsg15@itu.int sent" \
	"$(routes LS-2026-0001)"

# The server says 451: queued, and sent by queue run once it accepts.
echo tempfail > "$T/mode"
deliver "$S/03-response-opsawg.eml"
check "deliver exits 0 on a 451" 0 "$rc"
check "the mail is queued" "queued queued" "$("$LIAISON" -c "$CONF" queue list --json | jq -r '[.[].state] | join(" ")')"
check "with the server's answer" true \
	"$("$LIAISON" -c "$CONF" queue list --json | jq '.[0].last_error | test("MAIL FROM: 451 4.3.0 try again later")')"
echo ok > "$T/mode"
LIAISON_NOW=2026-11-27T11:00:00Z "$LIAISON" -c "$CONF" queue run > "$T/run.txt"
check "queue run sends it" "queue run: 2 sent, 0 failed, 0 waiting for a later attempt" "$(tail -1 "$T/run.txt")"
check "four messages accepted in all" 4 "$(grep -c '^DATA' "$T/envelope.log")"

# A server that never answers: deliver still exits 0 within its time limit.
echo hang > "$T/mode"
use_port "$port"
sed -i "s|^time-limit *=.*|time-limit = 12|" "$CONF"
start=$(date +%s)
deliver "$S/07-old-layout.eml"
elapsed=$(( $(date +%s) - start ))
check "deliver exits 0 when the server hangs" 0 "$rc"
check "within its time limit" yes "$([ "$elapsed" -lt 12 ] && echo yes || echo "no: ${elapsed}s")"
check "its mail is queued" 2 "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")"

# No server: queued.
kill $server 2>/dev/null
wait $server 2>/dev/null
deliver "$S/05-pdf-attachment.eml"
check "deliver exits 0 with no server" 0 "$rc"
check "its mail is queued too" 4 "$("$LIAISON" -c "$CONF" queue list --json | jq length)"
finish
