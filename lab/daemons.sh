# Start, wait for and stop the lab's daemons.  Sourced by lab/run inside
# its namespaces, with LAB_OUT, LAB_CACHE, LANDED and PYTHON set and the
# repository root as the working directory.
#
# Every lab_start_* function returns non-zero after printing which daemon
# failed and the end of its log.  Started daemons are recorded in
# $LAB_OUT/pids as "NAME PID" lines, and lab_stop_all stops them in
# reverse order.

LAB_LOG_LINES=40

lab_fail() {	# lab_fail DAEMON LOG MESSAGE
	echo "lab: $1 $3" >&2
	if [ -s "$2" ]; then
		echo "lab: last $LAB_LOG_LINES lines of $2:" >&2
		tail -n "$LAB_LOG_LINES" "$2" | sed 's/^/    /' >&2
	else
		echo "lab: $2 is empty or missing" >&2
	fi
	return 1
}

# lab_alive PID: true while PID runs.  A zombie counts as stopped: this
# script is pid 1 of its PID namespace and inherits every orphan.
lab_alive() {
	_state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$_state" ] && [ "$_state" != Z ]
}

# lab_wait_tcp HOST PORT SECONDS PID: waits until HOST:PORT accepts a
# connection; fails early when PID exits.
lab_wait_tcp() {
	_deadline=$(($(date +%s) + $3))
	while [ "$(date +%s)" -le "$_deadline" ]; do
		"$PYTHON" -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()' \
		    "$1" "$2" 2>/dev/null && return 0
		lab_alive "$4" || return 1
		sleep 0.2
	done
	return 1
}

lab_record_pid() {	# lab_record_pid NAME PID
	echo "$1 $2" >>"$LAB_OUT/pids"
}

lab_stop_pid() {	# lab_stop_pid NAME PID: SIGTERM, SIGKILL after 10 s
	lab_alive "$2" || return 0
	kill -TERM "$2" 2>/dev/null
	_i=0
	while lab_alive "$2" && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if lab_alive "$2"; then
		echo "lab: $1 (pid $2) ignored SIGTERM for 10 s; sending SIGKILL" >&2
		kill -KILL "$2" 2>/dev/null
	fi
}

lab_stop_all() {
	[ -f "$LAB_OUT/pids" ] || return 0
	# Reverse order: the MTAs first, DNS last.
	sed -n '1!G;h;$p' "$LAB_OUT/pids" | while read -r _name _pid; do
		lab_stop_pid "$_name" "$_pid"
	done
	rm -f "$LAB_OUT/pids"
}

# lab_prepare_out: removes the previous run's state (not the rspamd
# cache) and makes the DKIM keys and passwords of this run.
lab_prepare_out() {
	for _name in knot rspamd mx sender dovecot dkim sent secrets pids \
	    resolv.conf landed.conf report.json; do
		rm -rf "${LAB_OUT:?}/$_name"
	done
	# Dovecot's and Postfix's unprivileged processes traverse it.
	chmod 755 "$LAB_OUT" || return 1
	mkdir -p "$LAB_OUT/dkim" "$LAB_OUT/secrets" "$LAB_CACHE/rspamd" ||
	    return 1
	chmod 700 "$LAB_OUT/dkim" "$LAB_OUT/secrets"

	for _domain in cfg1.test cfg4.test; do
		openssl genrsa -traditional -out "$LAB_OUT/dkim/$_domain.key" \
		    2048 2>/dev/null || {
			echo "lab: openssl could not make a DKIM key for $_domain" >&2
			return 1
		}
	done
	for _user in seed1 alice; do
		(umask 077 && openssl rand -hex 16 >"$LAB_OUT/secrets/$_user") ||
		    return 1
	done
}

# lab_prepare_namespace: loopback up, a host name for the receiver and a
# resolv.conf that points at knot (Postfix's SMTP client reads only
# /etc/resolv.conf).  The bind mount is private to the mount namespace.
lab_prepare_namespace() {
	ip link set lo up || {
		echo "lab: could not bring up the loopback interface in the namespace" >&2
		return 1
	}
	# The sending Postfix listens here, and Postfix accepts only
	# addresses that an interface carries.
	ip addr add 127.0.0.10/32 dev lo || {
		echo "lab: could not add 127.0.0.10 to the loopback interface" >&2
		return 1
	}
	hostname mx.lab.test
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' \
	    >"$LAB_OUT/resolv.conf"
	mount --bind "$LAB_OUT/resolv.conf" /etc/resolv.conf || {
		echo "lab: could not bind-mount $LAB_OUT/resolv.conf on /etc/resolv.conf" >&2
		return 1
	}
}

# lab_dkim_record DOMAIN: prints the TXT record data of DOMAIN's public
# key as quoted strings of at most 250 characters, because a DNS
# character string is at most 255 bytes long.
lab_dkim_record() {
	_key=$(openssl rsa -in "$LAB_OUT/dkim/$1.key" -pubout -outform DER \
	    2>/dev/null | base64 -w0)
	printf '( "v=DKIM1; k=rsa; p="'
	while [ -n "$_key" ]; do
		_chunk=$(printf '%s' "$_key" | cut -c1-250)
		_key=$(printf '%s' "$_key" | cut -c251-)
		printf ' "%s"' "$_chunk"
	done
	printf ' )'
}

lab_start_knot() {
	_dir=$LAB_OUT/knot
	mkdir -p "$_dir/run" "$_dir/db" "$_dir/zones" || return 1
	sed "s|@OUT@|$LAB_OUT|g" lab/conf/knot.conf.in >"$_dir/knot.conf"
	for _zone in lab.test cfg1.test cfg2.test cfg3.test cfg4.test; do
		_record=
		if [ -f "$LAB_OUT/dkim/$_zone.key" ]; then
			_record=$(lab_dkim_record "$_zone")
		fi
		sed "s|@DKIM_RECORD@|$_record|" "lab/zones/$_zone.zone.in" \
		    >"$_dir/zones/$_zone.zone"
	done

	knotd -c "$_dir/knot.conf" </dev/null >"$_dir/knot.stdout" 2>&1 &
	_pid=$!
	lab_record_pid knot "$_pid"

	# Ready when knot returns the SOA of every zone.  A zone file with an
	# error is not loaded, so its SOA query returns nothing.
	_deadline=$(($(date +%s) + 15))
	for _zone in lab.test cfg1.test cfg2.test cfg3.test cfg4.test; do
		until [ -n "$(kdig @127.0.0.1 +short +time=1 +tries=1 SOA "$_zone" 2>/dev/null)" ]; do
			if ! lab_alive "$_pid"; then
				cat "$_dir/knot.stdout" >>"$_dir/knot.log" 2>/dev/null
				lab_fail knot "$_dir/knot.log" "exited during start-up"
				return
			fi
			if [ "$(date +%s)" -gt "$_deadline" ]; then
				lab_fail knot "$_dir/knot.log" "does not serve zone $_zone after 15 s"
				return
			fi
			sleep 0.1
		done
	done
	echo "lab: knot serves lab.test and cfg1.test to cfg4.test on 127.0.0.1:53"
}

lab_start_dovecot() {
	DOVECOT_TEMPLATE=lab/conf/dovecot.conf.in
	DOVECOT_USERS="seed1:$(cat "$LAB_OUT/secrets/seed1") alice:$(cat "$LAB_OUT/secrets/alice")"
	printf 'mailbox Junk {\n  special_use = \\Junk\n  auto = create\n}\n' \
	    >"$LAB_OUT/junk-mailbox.conf"
	DOVECOT_EXTRA_CONF=$LAB_OUT/junk-mailbox.conf
	. tests/lib/dovecot.sh

	_dir=$LAB_OUT/dovecot
	mkdir -p "$_dir" && cp lab/conf/junk.sieve "$_dir/junk.sieve" ||
	    return 1
	sievec "$_dir/junk.sieve" >"$_dir/sievec.log" 2>&1 ||
	    { lab_fail "the Sieve rule" "$_dir/sievec.log" "does not compile"; return; }

	dovecot_start "$_dir" 2>"$LAB_OUT/dovecot-start.log" || {
		lab_fail dovecot "$LAB_OUT/dovecot-start.log" "did not start"
		return
	}
	lab_record_pid dovecot "$(cat "$_dir/dovecot.pid")"
	LAB_LMTP=$_dir/run/lmtp
	[ -S "$LAB_LMTP" ] ||
	    { lab_fail dovecot "$_dir/dovecot.log" "has no LMTP socket at $LAB_LMTP"; return; }
	echo "lab: dovecot serves IMAPS on 127.0.0.1:$DOVECOT_IMAPS_PORT and LMTP on $LAB_LMTP"
}

lab_start_rspamd() {
	_dir=$LAB_OUT/rspamd
	mkdir -p "$_dir/run" "$_dir/log" || return 1
	cp -r lab/conf/rspamd/local.d "$_dir/" || return 1
	sed "s|@OUT@|$LAB_OUT|g" lab/conf/rspamd/rspamd.conf.in >"$_dir/rspamd.conf"
	chown -R _rspamd:_rspamd "$_dir/run" "$_dir/log" "$LAB_CACHE/rspamd"

	if [ -z "$(ls "$LAB_CACHE/rspamd" 2>/dev/null)" ]; then
		echo "lab: rspamd compiles its pattern cache on this first start (about 20 s)"
	fi
	rspamd -f -u _rspamd -g _rspamd -c "$_dir/rspamd.conf" \
	    --var="LOCAL_CONFDIR=$_dir" --var="DBDIR=$LAB_CACHE/rspamd" \
	    --var="RUNDIR=$_dir/run" --var="LOGDIR=$_dir/log" \
	    </dev/null >"$_dir/rspamd.stdout" 2>&1 &
	_pid=$!
	lab_record_pid rspamd "$_pid"

	if ! lab_wait_tcp 127.0.0.1 11332 120 "$_pid" ||
	    ! lab_wait_tcp 127.0.0.1 11333 30 "$_pid"; then
		cat "$_dir/rspamd.stdout" >>"$_dir/log/rspamd.log" 2>/dev/null
		lab_fail rspamd "$_dir/log/rspamd.log" "did not start listening on 127.0.0.1:11332 (milter) and 127.0.0.1:11333 (scanner)"
		return
	fi
	echo "lab: rspamd listens as a milter on 127.0.0.1:11332"
}

# lab_start_postfix NAME HOST:PORT: one Postfix instance with its own
# configuration, queue and log under $LAB_OUT/NAME.
lab_start_postfix() {
	_dir=$LAB_OUT/$1
	# postfix check wants the configuration directory, and everything
	# below it, owned by root, and the data directory by postfix.
	_etc=$_dir/etc
	mkdir -p "$_etc" "$_dir/queue" "$_dir/data" || return 1
	chown postfix "$_dir/data"
	sed -e "s|@OUT@|$LAB_OUT|g" -e "s|@LMTP@|$LAB_LMTP|g" \
	    "lab/conf/$1/main.cf.in" >"$_etc/main.cf"
	sed "s|@SMTP_LISTEN@|$2|" lab/conf/master.cf.in >"$_etc/master.cf"
	if [ -f "lab/conf/$1/transports.cf" ]; then
		cat "lab/conf/$1/transports.cf" >>"$_etc/master.cf"
	fi
	: >"$_dir/postfix.log"

	# postfix prints its errors only to a terminal and otherwise sends
	# them to syslog, which does not run here: script(1) gives it one.
	script -qefc "postfix -c '$_etc' check" "$_dir/check.log" >/dev/null || {
		cat "$_dir/check.log" >>"$_dir/postfix.log"
		lab_fail "postfix ($1)" "$_dir/postfix.log" "rejected its configuration"
		return
	}
	script -qefc "postfix -c '$_etc' start" "$_dir/start.log" >/dev/null || {
		cat "$_dir/start.log" >>"$_dir/postfix.log"
		lab_fail "postfix ($1)" "$_dir/postfix.log" "did not start"
		return
	}
	_pid=$(tr -d ' ' <"$_dir/queue/pid/master.pid" 2>/dev/null)
	[ -n "$_pid" ] ||
	    { lab_fail "postfix ($1)" "$_dir/postfix.log" "wrote no master.pid"; return; }
	lab_record_pid "postfix-$1" "$_pid"

	if ! lab_wait_tcp "${2%:*}" "${2#*:}" 10 "$_pid"; then
		lab_fail "postfix ($1)" "$_dir/postfix.log" "did not accept SMTP connections on $2 within 10 s"
		return
	fi
	echo "lab: postfix ($1) listens on $2"
}

lab_count_mail() {	# lab_count_mail MAILDIR: files in new/ and cur/
	find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l
}

# lab_wait_for_mail: waits until each of the four messages has either
# reached the seed (INBOX or Junk) or come back as a DSN to alice.
lab_wait_for_mail() {
	_seed=$LAB_OUT/dovecot/mail/seed1/Maildir
	_alice=$LAB_OUT/dovecot/mail/alice/Maildir
	_deadline=$(($(date +%s) + 60))
	while :; do
		_inbox=$(lab_count_mail "$_seed")
		_junk=$(lab_count_mail "$_seed/.Junk")
		_bounces=$(lab_count_mail "$_alice")
		[ $((_inbox + _junk + _bounces)) -ge 4 ] && break
		if [ "$(date +%s)" -gt "$_deadline" ]; then
			echo "lab: after 60 s seed1 has $_inbox in INBOX and $_junk in Junk, alice has $_bounces bounces; 4 messages were sent" >&2
			lab_fail "postfix (sender)" "$LAB_OUT/sender/postfix.log" "did not deliver or bounce every message"
			lab_fail "postfix (mx)" "$LAB_OUT/mx/postfix.log" "log, for comparison:"
			lab_fail rspamd "$LAB_OUT/rspamd/log/rspamd.log" "log, for comparison:"
			lab_fail dovecot "$LAB_OUT/dovecot/dovecot.log" "log, for comparison:"
			return 1
		fi
		sleep 0.2
	done
	echo "lab: delivered: seed1 INBOX $_inbox, seed1 Junk $_junk; bounced to alice: $_bounces"
}

lab_write_config() {
	_conf=$LAB_OUT/landed.conf
	(umask 077 && : >"$_conf")
	# The Dovecot users are local parts; "address" gives the full
	# address that a bounce names as its recipient.
	for _pair in seed1:seed1@lab.test sender:alice@cfg1.test; do
		_user=${_pair#*:}
		_user=${_user%@*}
		cat >>"$_conf" <<EOF
[account ${_pair%%:*}]
provider = generic
user = $_user
address = ${_pair#*:}
password_file = $LAB_OUT/secrets/$_user
host = 127.0.0.1
port = $DOVECOT_IMAPS_PORT
tls = implicit
ca_file = $DOVECOT_CA
authserv_id = mx.lab.test

EOF
	done
}

# lab_run_landed: the JSON report into $LAB_OUT/report.json, then the
# table on stdout.  Returns the status of the JSON run.
lab_run_landed() {
	_conf=$LAB_OUT/landed.conf
	set -- -c "$_conf" -a seed1
	for _sent in "$LAB_OUT"/sent/*.eml; do
		set -- "$@" --sent "$_sent"
	done
	set -- "$@" --bounces sender

	"$LANDED" check "$@" --format json -o "$LAB_OUT/report.json"
	_status=$?
	echo
	"$LANDED" check "$@" --format table
	echo
	echo "lab: JSON report: $LAB_OUT/report.json (landed exit status $_status)"
	return $_status
}
