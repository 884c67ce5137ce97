#!/bin/sh
# Builds liaison twice and runs the whole test suite on each build: once
# warning-free with -Werror (plus make distcheck, and the Debian package
# built from its tarball, installed and purged: tests/deb-test.sh), once with
# AddressSanitizer and UndefinedBehaviorSanitizer. Then valgrind memcheck
# over the unit tests and the fuzz replays, and each libFuzzer harness for
# a minute (make fuzz).
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
./autogen.sh >/dev/null 2>&1
jobs=$(nproc)
status=0
# phase NAME: notes how long the step just ended took (printed at the end).
last=$(date +%s)
: > .test-times
phase () { now=$(date +%s); echo "time: $1 $((now - last)) s" >> .test-times; last=$now; }
phase deps

run_suite () {
	dir=$1; shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && ../configure -q "$@")
	make -s -C "$dir" -j"$jobs"
	make -s -C "$dir" -j"$jobs" check || status=1
	find "$dir/tests" -name '*.trs' -exec sed -n 's/^:test-result: //p' {} + > "$dir/results.txt" 2>/dev/null || true
}

run_suite build-werror --enable-werror
phase "build and suite (-Werror)"
if [ "$status" = 0 ]; then
	# Its suite repeats the one just run: the slow loops run short.
	# distcheck proves the tarball builds, installs and tests out of
	# the tree: the unit tests and fuzz replays (which read tests/data)
	# and the end-to-end tests of the samples, threads, man pages and
	# installation. The rest just ran on the same code.
	dist_tests="$(cd build-werror && ls tests/test-* tests/fuzz-* 2>/dev/null | grep -v '\.' | tr '\n' ' ')"
	dist_tests="$dist_tests tests/t-samples.sh tests/t-deliver.sh tests/t-thread.sh tests/t-man.sh tests/t-install.sh"
	LIAISON_TEST_QUICK=1 make -s -C build-werror distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
		TESTS="$dist_tests" >/dev/null || status=1
	[ "$status" = 0 ] && echo "make distcheck: OK" || echo "make distcheck: FAILED"
	phase "make distcheck"
fi
# The Debian package, once per run: built from the tarball that distcheck
# left (else one of make dist), checked by lintian, installed with dpkg -i,
# used, then removed and purged (tests/deb-test.sh).
if [ -f build-werror/Makefile ]; then
	ls build-werror/liaison-*.tar.gz > /dev/null 2>&1 || make -s -C build-werror dist > /dev/null 2>&1 || true
	deb_status=0
	sh tests/deb-test.sh "$(ls build-werror/liaison-*.tar.gz 2>/dev/null | head -1)" \
		> build-werror/deb-test.log 2>&1 || deb_status=$?
	case $deb_status in
	0) echo "PASS deb-test" >> build-werror/results.txt; echo "Debian package: OK" ;;
	77) echo "SKIP deb-test" >> build-werror/results.txt; grep '^# skipped' build-werror/deb-test.log || true ;;
	*) echo "FAIL deb-test" >> build-werror/results.txt
	   echo "build-werror: FAILED tests/deb-test.sh"; grep -v '^ok ' build-werror/deb-test.log | tail -40 ;;
	esac
	phase "Debian package"
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build-sanitize --enable-sanitizers
phase "build and suite (ASan+UBSan)"

# valgrind memcheck over the -Werror build's unit tests and fuzz replays:
# no error, no definite leak (tests/valgrind.supp lists what is not ours).
# Two at a time; each writes PASS or FAIL to its own file.
(cd build-werror && ls tests/test-* tests/fuzz-* 2>/dev/null | grep -v '\.' |
	xargs -P "$jobs" -I '{}' sh -c 'if valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite --errors-for-leak-kinds=definite --suppressions=../tests/valgrind.supp \
		"./$1" > "$1.valgrind" 2>&1; then echo PASS > "$1.vg"; else echo FAIL > "$1.vg"; fi' sh '{}') || true
for t in $(cd build-werror && ls tests/*.vg 2>/dev/null); do
	t=${t%.vg}
	echo "$(cat "build-werror/$t.vg") valgrind $t" >> build-werror/results.txt
	if [ "$(cat "build-werror/$t.vg")" != PASS ]; then
		echo "build-werror: FAILED valgrind $t"; grep '^==' "build-werror/$t.valgrind" | head -40
	fi
done

phase valgrind

# libFuzzer (clang, ASan, UBSan): each harness for a minute, two at a
# time, four minutes at most; the seeds include ../shared/corpus.
if make -s -C build-werror fuzz FUZZ_SECONDS=60 FUZZ_JOBS=2 FUZZ_BUDGET=240; then
	echo "PASS fuzz" >> build-werror/results.txt
else
	echo "FAIL fuzz" >> build-werror/results.txt
fi

phase fuzz
cat .test-times
passed=$(cat build-werror/results.txt build-sanitize/results.txt 2>/dev/null | grep -c '^PASS' || true)
failed=$(cat build-werror/results.txt build-sanitize/results.txt 2>/dev/null | grep -cE '^(FAIL|ERROR|XPASS)' || true)
skipped=$(cat build-werror/results.txt build-sanitize/results.txt 2>/dev/null | grep -c '^SKIP' || true)
for d in build-werror build-sanitize; do
	for t in $(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find "$d/tests" -name '*.trs') 2>/dev/null); do
		echo "$d: FAILED ${t%.trs}"; tail -20 "${t%.trs}.log"
	done
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] || status=1
exit $status
