# liaison-conf.sed: the sample configuration (contrib/liaison.conf.in) as the
# Debian package installs it: a note on top, the address empty and the
# example organization and group commented out, so that `liaison check`
# fails, and the timers do nothing, until the administrator fills them in.
1i\
# Debian: the package made the account liaison, which owns\
# /var/lib/liaison (mode 0750), and enabled the systemd timers of\
# queue run, remind, digest and remind --authorized. Fill in the address\
# and the directory (the [org ...] and [group ...] sections, examples\
# commented out below), then run `liaison check`: until it passes, the\
# timers skip their runs. The untouched sample is in\
# /usr/share/liaison/examples/. liaison(1) says how to wire Postfix.\
#
s/^address = .*/address =/
/^# A peer organization\.$/,$ {
	/^\[/ s/^/# /
	/^[a-z]/ s/^/# /
}
