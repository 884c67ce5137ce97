#!/bin/sh
# Installs the Debian 12 packages liaison needs to build, test and run.
# The one list of them: demo.sh, test.sh and CI call this.
set -e
PACKAGES="build-essential autoconf automake libtool pkg-config
 libglib2.0-dev libgmime-3.0-dev libjson-glib-dev libetpan-dev libsqlite3-dev
 libpoppler-glib-dev libgsf-1-dev libxml2-dev libcmocka-dev
 sqlite3 jq mandoc
 libxml2-utils chromium"
if [ "${SKIP_APT:-}" = 1 ]; then
	exit 0
fi
missing=$(dpkg-query -W -f='${Package} ${Status}\n' $PACKAGES 2>/dev/null | grep -v ' installed$' | cut -d' ' -f1 || true)
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$(echo $missing)" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
fi
