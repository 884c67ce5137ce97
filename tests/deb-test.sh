#!/bin/sh
# tests/deb-test.sh TARBALL: the Debian package, end to end, on this machine
# (scripts/test.sh runs it once per CI run; it is not part of make check).
# From the tarball of make dist it builds liaison_VERSION_ARCH.deb with
# dpkg-buildpackage (nocheck: the suite has run already), runs lintian on
# it, installs it with dpkg -i, checks what it installed (the program, the
# man pages, the conffile, the account liaison, /var/lib/liaison, the
# enabled timers, whose services skip while check fails), fills in a
# configuration, records a sample as Postfix's pipe(8) would (as the
# account liaison), checks the owners and modes of what that made, then
# removes the package (the register and the account stay) and purges it
# (only the account stays, as Debian's policy has it). Needs root and
# Debian's packaging tools; exits 0, 1, or 77 when it cannot run.
set -u
tarball=${1:?usage: deb-test.sh TARBALL}
checks=0
failures=0
ok () { checks=$((checks + 1)); echo "ok - $*"; }
not_ok () { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok - $*"; }
check () { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$2', got '$3'"; fi; }
skip () { echo "# skipped: $*"; exit 77; }
finish () { echo "$checks checks, $failures failed"; [ "$failures" = 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i)"
for p in dpkg-buildpackage dh lintian runuser su; do
	command -v "$p" > /dev/null 2>&1 || skip "needs $p (scripts/deps.sh installs it)"
done
[ -f "$tarball" ] || { echo "not ok - no tarball $tarball"; exit 1; }
# Someone's own installation is not ours to purge.
if dpkg-query -W liaison > /dev/null 2>&1; then
	skip "a package liaison is on this machine already ($(dpkg-query -W -f='${Status}' liaison))"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/liaison-deb.XXXXXX")
installed=no
cleanup () {
	# A failed run leaves no package behind either.
	if [ "$installed" = yes ] && dpkg-query -W liaison > /dev/null 2>&1; then
		dpkg -P liaison > /dev/null 2>&1
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chmod 755 "$W"

# ----------------------------------------------------------------- build
tar -xzf "$tarball" -C "$W"
src=$(echo "$W"/liaison-*/)
src=${src%/}
version=$(sed -n 's/^AC_INIT(\[liaison\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")
arch=$(dpkg --print-architecture)
check "debian/changelog's version is configure.ac's ($version)" "$version" \
	"$(cd "$src" && dpkg-parsechangelog -S Version)"
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) > "$W/build.log" 2>&1
check "dpkg-buildpackage -us -uc -b exits 0" 0 "$?"
deb="$W/liaison_${version}_$arch.deb"
if [ ! -f "$deb" ]; then
	not_ok "it built $(basename "$deb")"
	tail -30 "$W/build.log" | sed 's/^/#   /'
	finish
fi
ok "it built $(basename "$deb")"

lintian --fail-on error,warning "$W/liaison_${version}_$arch.changes" > "$W/lintian.out" 2>&1
check "lintian: no error, no warning that is not overridden" 0 "$?"
grep -v 'running with root privileges' "$W/lintian.out" | sed 's/^/#   lintian: /'

# --------------------------------------------------------------- install
had_user=no
getent passwd liaison > /dev/null && had_user=yes
installed=yes
dpkg -i "$deb" > "$W/install.log" 2>&1
check "dpkg -i exits 0" 0 "$?"
[ "$failures" = 0 ] || sed 's/^/#   /' "$W/install.log"
check "the program runs" "liaison $version" "$(/usr/bin/liaison --version 2>&1 | head -1)"
for page in man1/liaison.1.gz man5/liaison.conf.5.gz; do
	[ -s "/usr/share/man/$page" ] && ok "the page $page" || not_ok "the page /usr/share/man/$page"
done
check "/etc/liaison/liaison.conf is a conffile" 1 \
	"$(dpkg-query -W -f='${Conffiles}\n' liaison | grep -c '^ /etc/liaison/liaison.conf ')"
check "it is root's, for the account liaison to read" "root:liaison 640" \
	"$(stat -c '%U:%G %a' /etc/liaison/liaison.conf)"
uid=$(id -u liaison 2>/dev/null)
check "the account liaison is a system account" yes \
	"$([ -n "$uid" ] && [ "$uid" -lt 1000 ] && echo yes)"
check "in the group liaison" liaison "$(id -gn liaison 2>/dev/null)"
check "with no login shell" /usr/sbin/nologin "$(getent passwd liaison | cut -d: -f7)"
check "/var/lib/liaison is the account's, mode 0750" "liaison:liaison 750 directory" \
	"$(stat -c '%U:%G %a %F' /var/lib/liaison 2>&1)"

# The units: in /lib/systemd/system, the timers enabled (deb-systemd-helper
# makes the links whether or not systemd runs), each service behind check.
for t in queue remind digest authorized; do
	[ -f "/lib/systemd/system/liaison-$t.service" ] && [ -f "/lib/systemd/system/liaison-$t.timer" ] &&
		ok "liaison-$t.service and .timer" || not_ok "liaison-$t.service and .timer"
	[ -L "/etc/systemd/system/timers.target.wants/liaison-$t.timer" ] &&
		ok "liaison-$t.timer is enabled" || not_ok "liaison-$t.timer is enabled"
	check "liaison-$t.service runs only when check passes" \
		"ExecCondition=/usr/bin/liaison -c /etc/liaison/liaison.conf check" \
		"$(grep '^ExecCondition=' "/lib/systemd/system/liaison-$t.service")"
done
check "queue run every minute" "OnUnitInactiveSec=1min" \
	"$(grep '^OnUnitInactiveSec=' /lib/systemd/system/liaison-queue.timer)"
check "remind daily, digest weekly, remind --authorized quarterly" \
	"*-*-* 07:00:00|Mon *-*-* 07:30:00|*-01,04,07,10-01 08:00:00" \
	"$(for t in remind digest authorized; do sed -n 's/^OnCalendar=//p' "/lib/systemd/system/liaison-$t.timer"; done | paste -sd'|')"
if command -v systemd-analyze > /dev/null 2>&1; then
	(cd / && systemd-analyze verify /lib/systemd/system/liaison-*.timer /lib/systemd/system/liaison-*.service) \
		> "$W/verify.out" 2>&1
	check "systemd-analyze verify finds nothing in the units" "" "$(cat "$W/verify.out")"
fi

# As installed, the configuration is unfinished: check, as the services
# run it (as the account), fails and says why, so the timers do nothing.
cond=$(sed -n 's/^ExecCondition=//p' /lib/systemd/system/liaison-queue.service)
(cd / && runuser -u liaison -- $cond) > "$W/check.out" 2>&1
check "the units' check fails on the configuration as installed" 1 "$?"
check "it says the address is missing" 1 "$(grep -c 'address missing' "$W/check.out")"

# ------------------------------------------------------- filled in, used
sed -e 's|^database *=.*|database = /var/lib/liaison/liaison.db|' \
    -e 's|^spool *=.*|spool = /var/lib/liaison/spool|' \
    -e 's|^maildir *=.*|maildir = /var/lib/liaison/outbox|' \
    "$src/samples/liaison.conf" > /etc/liaison/liaison.conf
(cd / && runuser -u liaison -- $cond) > "$W/check.out" 2>&1
check "filled in, check passes as the account" 0 "$?"
[ "$failures" = 0 ] || sed 's/^/#   /' "$W/check.out"
(cd / && liaison check) > "$W/check.out" 2>&1
check "and as root (checked as the account)" 0 "$?"

# Postfix's pipe(8): user=liaison, the message on standard input.
(cd / && su -s /bin/sh liaison -c \
	'liaison -c /etc/liaison/liaison.conf deliver -f sender@example.com -r statements@example.org') \
	< "$src/samples/mail/01-action-ccamp.eml" > "$W/deliver.out" 2>&1
check "deliver as the account liaison exits 0" 0 "$?"
[ "$failures" = 0 ] || sed 's/^/#   /' "$W/deliver.out"
check "the statement is recorded" 1 "$(cd / && liaison list 2>&1 | grep -c 'LS-2026-0001')"
(cd / && liaison queue run) > "$W/queue.out" 2>&1
check "queue run as root exits 0" 0 "$?"
check "the forward is in the outbox" yes "$([ -n "$(ls /var/lib/liaison/outbox/new 2>/dev/null)" ] && echo yes)"
check "every file under /var/lib/liaison is the account's" "" \
	"$(find /var/lib/liaison \( ! -user liaison -o ! -group liaison \) -printf '%p %u:%g\n')"
check "none is open to others" "" "$(find /var/lib/liaison -perm /o=rwx -printf '%p %m\n')"
check "the database is 0640" 640 "$(stat -c %a /var/lib/liaison/liaison.db)"
check "the spool is 0750" 750 "$(stat -c %a /var/lib/liaison/spool)"
check "its secret is 0600" 600 "$(stat -c %a /var/lib/liaison/spool/secret)"

# ---------------------------------------------------------- remove, purge
dpkg -r liaison > "$W/remove.log" 2>&1
check "dpkg -r exits 0" 0 "$?"
check "the program is gone" no "$([ -e /usr/bin/liaison ] && echo yes || echo no)"
check "the register stays" yes "$([ -s /var/lib/liaison/liaison.db ] && echo yes)"
check "the configuration stays" yes "$(grep -q '^\[group ccamp\]' /etc/liaison/liaison.conf && echo yes)"
check "the account stays" yes "$(getent passwd liaison > /dev/null && echo yes)"
dpkg -P liaison > "$W/purge.log" 2>&1
check "dpkg -P exits 0" 0 "$?"
installed=no
check "dpkg knows no liaison any more" no "$(dpkg-query -W liaison > /dev/null 2>&1 && echo yes || echo no)"
check "/var/lib/liaison and /etc/liaison are gone" "" \
	"$(ls -d /var/lib/liaison /etc/liaison 2>/dev/null)"
check "no unit, timer link or file of the package is left" "" \
	"$(ls -d /lib/systemd/system/liaison-* /etc/systemd/system/*/liaison-* /usr/share/liaison \
		/usr/share/doc/liaison /usr/share/man/man1/liaison.1.gz /var/lib/systemd/deb-systemd-helper-enabled/*/liaison-* \
		/var/lib/systemd/deb-systemd-helper-enabled/liaison-* 2>/dev/null)"
check "the account liaison and its group stay, as Debian's policy has it" "yes yes" \
	"$(getent passwd liaison > /dev/null && echo yes) $(getent group liaison > /dev/null && echo yes)"
[ "$had_user" = yes ] && echo "# the account liaison was there before this test"
finish
