# tests/mta.sh: shared by the mail-system integration tests (t-postfix.sh,
# t-procmail.sh, t-sieve.sh, t-syslog.sh), sourced after tests/lib.sh: a
# throw-away account to run liaison as, and the recipes of liaison(1)'s MAIL
# SYSTEM INTEGRATION section, which the tests use as printed there (only the
# paths and the account change), after checking that the README shows the
# same.

MAN1="$top_srcdir/man/liaison.1"
README="$top_srcdir/README.md"

# need_program PROGRAM...: skips the test unless each is installed
# (scripts/deps.sh installs them all).
need_program () {
	for p in "$@"; do
		if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "$p" ]; then
			echo "# skipped: $p is not installed (scripts/deps.sh installs it)"
			exit 77
		fi
	done
}

# Things to undo at exit, last first: mta_at_exit COMMAND.
mta_undo=
mta_at_exit () { mta_undo="$1
$mta_undo"; }
mta_cleanup () {
	set +e
	printf '%s\n' "$mta_undo" | while IFS= read -r cmd; do
		[ -n "$cmd" ] && eval "$cmd" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap mta_cleanup EXIT
trap 'exit 1' HUP INT TERM

# mta_user: as root, creates an account of its own for this test run,
# without home or shell, and removes it at exit; otherwise the account is
# the caller's. Sets U, U_UID, U_GID. The scratch directory becomes the
# account's, and a copy of the binary goes to $T/bin/liaison, where the
# account can run it whatever the permissions of the build tree.
mta_user () {
	mkdir -p "$T/bin"
	cp "$LIAISON" "$T/bin/liaison"
	chmod 755 "$T/bin/liaison"
	if [ "$(id -u)" != 0 ]; then
		U=$(id -un) U_UID=$(id -u) U_GID=$(id -g)
		return 0
	fi
	n=0
	U=liaison-t$$
	while id "$U" >/dev/null 2>&1; do n=$((n + 1)); U=liaison-t$$-$n; done
	# useradd fails while another one holds the lock on /etc/passwd.
	for i in $(seq 30); do
		useradd --no-create-home --home-dir "$T" --shell /usr/sbin/nologin --user-group "$U" \
			2>"$T/useradd.err" && break
		sleep 0.3
	done
	if ! id "$U" >/dev/null 2>&1; then
		echo "# useradd $U failed: $(cat "$T/useradd.err")"
		exit 1
	fi
	mta_at_exit "userdel $U"
	U_UID=$(id -u "$U")
	U_GID=$(id -g "$U")
	chown -R "$U:$U" "$T"
	chmod 755 "$T"
}

# as_user COMMAND...: runs COMMAND as the test account.
as_user () {
	if [ "$(id -u)" != 0 ] || [ -z "${U_UID:-}" ]; then
		env HOME="$T" "$@"
		return
	fi
	setpriv --reuid="$U_UID" --regid="$U_GID" --clear-groups \
		env HOME="$T" USER="$U" LOGNAME="$U" "$@"
}

# The database belongs to the account: read it as the account too, so that
# no file of its write-ahead log is ever created by root.
sql () { as_user sqlite3 -batch -noheader "$T/liaison.db" "$@"; }

# man_block SUBSECTION N: the Nth literal display (.Bd -literal ... .Ed) of
# the subsection SUBSECTION of MAIL SYSTEM INTEGRATION, as a reader sees it.
man_block () {
	awk -v ss="$1" -v n="$2" '
		/^\.Sh / { insec = ($0 == ".Sh MAIL SYSTEM INTEGRATION"); inss = 0; next }
		/^\.Ss / { inss = insec && ($0 == ".Ss " ss); k = 0; next }
		inss && /^\.Bd -literal/ { k++; if (k == n) p = 1; next }
		p && /^\.Ed/ { exit }
		p { print }
	' "$MAN1" | sed -e 's/\\&//g' -e 's/\\e/\\/g' -e 's/\\(dq/"/g'
}

# readme_block LABEL N: the Nth fenced block after the paragraph that opens
# with **LABEL** in the README's "Wiring it to a mail system".
readme_block () {
	awk -v label="**$1**" -v n="$2" '
		/^## / { insec = ($0 == "## Wiring it to a mail system"); inl = 0; next }
		insec && /^\*\*/ { inl = (index($0, label) == 1); k = 0; fence = 0; next }
		inl && /^```/ { if (p) exit; fence = !fence; if (fence && ++k == n) p = 1; next }
		p { print }
	' "$README"
}

# same_recipe DESCRIPTION SUBSECTION N LABEL M: the man page's block and
# the README's are the same text.
same_recipe () {
	man_block "$2" "$3" > "$T/recipe.man"
	readme_block "$4" "$5" > "$T/recipe.readme"
	if [ ! -s "$T/recipe.man" ]; then
		not_ok "liaison.1 shows the $1 (MAIL SYSTEM INTEGRATION, $2, display $3)"
	elif cmp -s "$T/recipe.man" "$T/recipe.readme"; then
		ok "the README shows the $1 as liaison.1 does"
	else
		not_ok "the README's $1 differs from liaison.1's"
		diff "$T/recipe.man" "$T/recipe.readme" | sed 's/^/#   /'
	fi
}

# recipe SUBSECTION N: man_block with the paths of this test run: the
# binary, the configuration and the account.
recipe () {
	man_block "$1" "$2" | sed \
		-e "s|/usr/bin/liaison|$T/bin/liaison|g" \
		-e "s|/etc/liaison/liaison.conf|$CONF|g" \
		-e "s|user=liaison |user=$U |g" \
		-e "s|/usr/lib/dovecot/sieve-pipe|$T/sieve-pipe|g"
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for () {
	limit=$(( $1 * 5 )); shift
	i=0
	while [ $i -lt $limit ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# hold_lock: another process takes the database's write lock and keeps it
# until release_lock (tests/t-busy.sh does the same).
hold_lock () {
	rm -f "$T/lock.fifo" "$T/holder.out"
	mkfifo "$T/lock.fifo"
	as_user sqlite3 "$T/liaison.db" < "$T/lock.fifo" > "$T/holder.out" 2>&1 &
	holder=$!
	exec 3>"$T/lock.fifo"
	mta_at_exit '[ -n "$holder" ] && kill "$holder"'
	echo "BEGIN IMMEDIATE; SELECT 'locked';" >&3
	wait_for 10 grep -q locked "$T/holder.out"
}
release_lock () {
	echo "ROLLBACK;" >&3
	exec 3>&-
	wait "$holder"
	holder=
}
