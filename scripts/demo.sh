#!/bin/sh
# Builds liaison and runs it on the sample statements with a local store
# under samples/var (no mail server: outgoing mail goes to a Maildir).
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f build/Makefile ] || (mkdir -p build && cd build && ../configure -q)
make -s -C build -j"$(nproc)"
rm -rf samples/var
for m in samples/mail/*.eml; do
	./build/liaison -c samples/liaison.conf deliver -r statements@example.org < "$m"
done
./build/liaison -c samples/liaison.conf list
