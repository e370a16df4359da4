# A private Dovecot 2.3 for integration tests: IMAP with STARTTLS and
# IMAPS on free ports of 127.0.0.1, a self-signed certificate, users from
# a passwd-file and Maildir mail, all under one directory.  It runs as a
# foreground process of the test (never as a system service), so
# scripts can run side by side.
#
# Source it from a test script (POSIX sh):
#
#   . tests/lib/dovecot.sh
#   dir=$(mktemp -d)
#   trap 'dovecot_stop "$dir"; rm -rf "$dir"' EXIT
#   DOVECOT_USERS="seed:seedpass other:secret" dovecot_start "$dir" || exit 1
#   # write mail into $dir/mail/seed/Maildir/cur/NAME:2, and
#   # $dir/mail/seed/Maildir/.Junk/cur/NAME:2, (IMAP "/" is "." on disk,
#   # names are modified UTF-7), then:
#   dovecot_fix_owner "$dir"
#
# Settings, read by dovecot_start:
#   DOVECOT_USERS        whitespace-separated user:password pairs
#                        (default "seed:seedpass")
#   DOVECOT_EXTRA_CONF   a file included inside the inbox namespace block,
#                        e.g. one line: mailbox Junk { special_use = \Junk }
#   DOVECOT_RAWLOG=1     records what each logged-in IMAP session sends in
#                        $dir/mail/USER/dovecot.rawlog/*.in (and replies in
#                        *.out).  Commands before login (LOGIN, STARTTLS)
#                        are not in it; Dovecot's log, $dir/dovecot.log,
#                        shows those sessions ("no auth attempts").
#                        A read-only check:
#                          ! grep -Eiq ' (SELECT|STORE|EXPUNGE) |BODY\[' \
#                              "$dir"/mail/seed/dovecot.rawlog/*.in
#
# dovecot_start exports:
#   DOVECOT_IMAP_PORT    plain IMAP on 127.0.0.1, STARTTLS offered
#   DOVECOT_IMAPS_PORT   implicit TLS on 127.0.0.1
#   DOVECOT_CA           $dir/cert.pem, the self-signed certificate
#                        (subjectAltName DNS:localhost, IP:127.0.0.1)
#   DOVECOT_FINGERPRINT  "sha256:AB:CD:..." of that certificate
#   DOVECOT_DIR          $dir
#
# Mail belongs to an unprivileged user (DOVECOT_MAIL_USER, default
# nobody): after writing mail as root, call dovecot_fix_owner.  Every
# directory above $dir must be searchable by that user and by the
# dovecot user (mktemp -d makes mode 0700: chmod 755 it), or logins fail
# with "Temporary authentication failure".

# The functions keep their variables in _dv_* names, because sh has no
# local variables and a test script's own $dir must survive.
DOVECOT_MAIL_USER=${DOVECOT_MAIL_USER:-nobody}
DOVECOT_MAIL_GROUP=${DOVECOT_MAIL_GROUP:-$(id -gn "$DOVECOT_MAIL_USER" 2>/dev/null || echo nogroup)}

_dovecot_template=${DOVECOT_TEMPLATE:-tests/fixtures/dovecot.conf.in}

# Prints one port on 127.0.0.1 that is free right now.
_dovecot_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# _dovecot_wait_port PORT: waits up to 5 s until 127.0.0.1:PORT accepts.
_dovecot_wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + 5
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

_dovecot_make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	    -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1 || return 1
	chmod 600 "$1/key.pem"
}

_dovecot_make_users() {
	: >"$1/passwd"
	for _dv_pair in ${DOVECOT_USERS:-seed:seedpass}; do
		_dv_user=${_dv_pair%%:*}
		_dv_password=${_dv_pair#*:}
		printf '%s:%s\n' "$_dv_user" "$_dv_password" >>"$1/passwd"
		mkdir -p "$1/mail/$_dv_user/Maildir/cur" "$1/mail/$_dv_user/Maildir/new" \
		    "$1/mail/$_dv_user/Maildir/tmp"
		if [ "${DOVECOT_RAWLOG:-0}" = 1 ]; then
			mkdir -p "$1/mail/$_dv_user/dovecot.rawlog"
		fi
	done
	# The auth process reads it as the dovecot user.
	chmod 644 "$1/passwd"
}

# _dovecot_write_conf DIR IMAP_PORT IMAPS_PORT
_dovecot_write_conf() {
	_dv_rawlog=
	if [ "${DOVECOT_RAWLOG:-0}" = 1 ]; then
		_dv_rawlog='  rawlog_dir = %h/dovecot.rawlog'
	fi
	sed -e "s|@DIR@|$1|g" -e "s|@IMAP_PORT@|$2|g" \
	    -e "s|@IMAPS_PORT@|$3|g" -e "s|@MAIL_USER@|$DOVECOT_MAIL_USER|g" \
	    -e "s|@MAIL_GROUP@|$DOVECOT_MAIL_GROUP|g" \
	    -e "s|@RAWLOG@|$_dv_rawlog|" "$_dovecot_template" >"$1/dovecot.conf"
}

# dovecot_fix_owner DIR: gives the mail tree to the mail user.
dovecot_fix_owner() {
	chown -R "$DOVECOT_MAIL_USER:$DOVECOT_MAIL_GROUP" "$1/mail"
}

# dovecot_start DIR: see the header.  Returns non-zero, with Dovecot's
# log on stderr, when the server does not come up.
dovecot_start() {
	_dv_dir=$1
	mkdir -p "$_dv_dir" || return 1
	_dv_dir=$(cd "$_dv_dir" && pwd)
	# Dovecot's unprivileged processes must reach mail and passwd.
	chmod 755 "$_dv_dir"
	mkdir -p "$_dv_dir/run" "$_dv_dir/state" "$_dv_dir/mail"

	if [ ! -f "$_dovecot_template" ]; then
		echo "dovecot_start: $_dovecot_template not found; run from the repository root" >&2
		return 1
	fi
	_dovecot_make_cert "$_dv_dir" || {
		echo "dovecot_start: openssl could not make a certificate" >&2
		return 1
	}
	_dovecot_make_users "$_dv_dir"
	if [ -n "${DOVECOT_EXTRA_CONF:-}" ]; then
		cp "$DOVECOT_EXTRA_CONF" "$_dv_dir/extra.conf" || return 1
	else
		: >"$_dv_dir/extra.conf"
	fi
	dovecot_fix_owner "$_dv_dir"

	# A free port can be taken between the check and Dovecot's bind,
	# so a failed start is retried with new ports.
	for _dv_attempt in 1 2 3 4 5; do
		_dv_imap_port=$(_dovecot_free_port)
		_dv_imaps_port=$(_dovecot_free_port)
		[ "$_dv_imap_port" != "$_dv_imaps_port" ] || continue
		_dovecot_write_conf "$_dv_dir" "$_dv_imap_port" "$_dv_imaps_port"
		: >"$_dv_dir/dovecot.log"
		dovecot -F -c "$_dv_dir/dovecot.conf" </dev/null \
		    >>"$_dv_dir/dovecot.stdout" 2>&1 &
		echo $! >"$_dv_dir/dovecot.pid"
		if _dovecot_wait_port "$_dv_imap_port" &&
		    _dovecot_wait_port "$_dv_imaps_port"; then
			DOVECOT_IMAP_PORT=$_dv_imap_port
			DOVECOT_IMAPS_PORT=$_dv_imaps_port
			DOVECOT_CA=$_dv_dir/cert.pem
			DOVECOT_FINGERPRINT=sha256:$(openssl x509 -in "$_dv_dir/cert.pem" \
			    -noout -fingerprint -sha256 | sed 's/^.*=//')
			DOVECOT_DIR=$_dv_dir
			export DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT DOVECOT_CA \
			    DOVECOT_FINGERPRINT DOVECOT_DIR
			return 0
		fi
		dovecot_stop "$_dv_dir"
	done
	echo "dovecot_start: Dovecot did not start; its output:" >&2
	cat "$_dv_dir/dovecot.stdout" "$_dv_dir/dovecot.log" >&2 2>/dev/null
	return 1
}

# dovecot_stop DIR: SIGTERM to the master, SIGKILL after 5 s.
# Whether a process runs; a zombie (exited, not yet reaped by this shell)
# does not count, because kill -0 still succeeds on it.
_dovecot_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	Z*) return 1 ;;
	esac
	return 0
}

dovecot_stop() {
	[ -f "$1/dovecot.pid" ] || return 0
	_dv_pid=$(cat "$1/dovecot.pid")
	rm -f "$1/dovecot.pid"
	kill -TERM "$_dv_pid" 2>/dev/null || return 0
	_dv_i=0
	while _dovecot_alive "$_dv_pid" && [ $_dv_i -lt 50 ]; do
		sleep 0.1
		_dv_i=$((_dv_i + 1))
	done
	if _dovecot_alive "$_dv_pid"; then
		kill -KILL "$_dv_pid" 2>/dev/null
	fi
	wait "$_dv_pid" 2>/dev/null
	return 0
}
