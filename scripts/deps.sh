#!/bin/sh
# Installs the Debian 12 packages liaison needs to build, test and run.
# The one list of them: demo.sh, test.sh and CI call this.
set -e
PACKAGES="build-essential autoconf automake libtool pkg-config
 libglib2.0-dev libgmime-3.0-dev libjson-glib-dev libetpan-dev libsqlite3-dev nettle-dev
 libpoppler-glib-dev libgsf-1-dev libxml2-dev libical-dev libcmocka-dev
 libxml2 libical3 libetpan20
 sqlite3 jq mandoc
 libxml2-utils chromium
 postfix procmail dovecot-core dovecot-sieve netcat-openbsd
 groff zip
 clang libclang-rt-14-dev valgrind time hyperfine notmuch
 debhelper lintian dpkg-dev fakeroot"
# libxml2, libical3 and libetpan20 are named beside their -dev packages
# because the program needs them at run time: they (like poppler's and
# libgsf's, which their -dev packages bring) are opened with dlopen(), so
# nothing links them.
# clang and its libFuzzer runtime, valgrind and GNU time are for the
# reliability checks: make fuzz, the valgrind pass of scripts/test.sh, and
# the peak memory that tests/t-hostile.sh measures; hyperfine and notmuch
# (its reference figure) for make bench.
# debhelper, lintian, dpkg-dev and fakeroot build and check the Debian
# package (debian/, tests/deb-test.sh).
# groff (gropdf, tbl) and zip make the PDF and DOCX fixtures
# (tests/make-fixtures.sh); the test suite only reads what they made.
# The mail software is for the integration tests (tests/t-postfix.sh,
# t-procmail.sh, t-sieve.sh, t-syslog.sh), which run private instances of it:
# none of it may be configured or left running for the machine.
if [ "${SKIP_APT:-}" = 1 ]; then
	exit 0
fi
missing=$(dpkg-query -W -f='${Package} ${Status}\n' $PACKAGES 2>/dev/null | grep -v ' installed$' | cut -d' ' -f1 || true)
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$(echo $missing)" ]; then
	export DEBIAN_FRONTEND=noninteractive
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	# Keep the packages' scripts from starting Dovecot or Postfix: a
	# policy-rc.d that refuses, for the time of the install only.
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' > "$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
fi
