#!/bin/sh
# IMAP session against misbehaving servers (tests/fixtures/fake-imap-server):
# silence, garbage, a connection dropped mid-FETCH, missing or refused
# STARTTLS, a certificate for another name, and a closed port.  Each case
# must end with a clear error within the timeout and without a crash.
. tests/lib/check.sh

probe=${BUILD:-build}/tools/imap-probe
dir=$(mktemp -d "${TMPDIR:-/tmp}/landed-faults.XXXXXX")
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
export IMAP_PROBE_PASSWORD=fake-secret
fake_dir=$dir
. tests/lib/fake-server.sh

# elapsed_probe ARGS...: runs the probe, sets $out and $seconds.
elapsed_probe() {
	start=$(date +%s)
	out=$($probe "$@" 2>&1)
	seconds=$(($(date +%s) - start))
}

# Silent before and after the greeting: times out within -T 2.
fake_server_start silent
elapsed_probe -h 127.0.0.1 -p "$port" -t none -T 2
check_contains "silent server times out" "error (timed out)" "$out"
check_contains "silent server message" "no reply from 127.0.0.1:$port within 2 s during the greeting" "$out"
check_eq "silent server within 4 s" 1 $((seconds <= 4))
fake_server_stop

fake_server_start silent-after-greeting
elapsed_probe -h 127.0.0.1 -p "$port" -t none -T 2
check_contains "silent after greeting times out" "no reply from 127.0.0.1:$port within 2 s during CAPABILITY" "$out"
check_eq "silent after greeting within 4 s" 1 $((seconds <= 4))
fake_server_stop

# Implicit TLS to a server that never completes the handshake.
fake_server_start silent
elapsed_probe -h 127.0.0.1 -p "$port" -T 2
check_contains "silent TLS handshake times out" "within 2 s during the TLS handshake" "$out"
check_eq "silent TLS within 4 s" 1 $((seconds <= 4))
fake_server_stop

# Garbage greeting and a BYE greeting.
fake_server_start garbage
elapsed_probe -h 127.0.0.1 -p "$port" -t none -T 2
check_contains "garbage is a protocol error" "error (protocol error)" "$out"
check_contains "garbage message" "is not valid IMAP" "$out"
fake_server_stop

fake_server_start bye
elapsed_probe -h 127.0.0.1 -p "$port" -t none -T 2
check_contains "bye greeting rejected" "rejected the connection" "$out"
check_contains "bye greeting text" "too many connections" "$out"
fake_server_stop

# Dropped in the middle of the UID FETCH reply.
fake_server_start drop-mid-fetch
elapsed_probe -h 127.0.0.1 -p "$port" -t none -T 2 examine INBOX \
    fetch Message-ID '<x@example.com>' Message-ID
check_contains "drop mid-fetch got search" "uids 1" "$out"
check_contains "drop mid-fetch closed" "closed the connection during UID FETCH" "$out"
check_contains "drop mid-fetch status" "error (network error)" "$out"
fake_server_stop

# STARTTLS missing or refused: no LOGIN is sent.
fake_server_start no-starttls
elapsed_probe -h 127.0.0.1 -p "$port" -t starttls -T 2
check_contains "no starttls rejected" "does not offer STARTTLS, so no credentials were sent" "$out"
check_not_contains "no starttls sent no LOGIN" "LOGIN" "$(cat "$dir/commands")"
fake_server_stop

fake_server_start starttls-refused
elapsed_probe -h 127.0.0.1 -p "$port" -t starttls -T 2
check_contains "refused starttls rejected" "rejected STARTTLS" "$out"
check_contains "refused starttls text" "STARTTLS is switched off here" "$out"
commands=$(cat "$dir/commands")
check_contains "refused starttls was tried" "STARTTLS" "$commands"
check_not_contains "refused starttls sent no LOGIN" "LOGIN" "$commands"
fake_server_stop

# A trusted certificate for another name: host name mismatch, no LOGIN.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other.example \
    -addext subjectAltName=DNS:other.example \
    -keyout "$dir/other.key" -out "$dir/other.pem" >/dev/null 2>&1
fake_server_start no-starttls --tls-cert "$dir/other.pem" --tls-key "$dir/other.key"
elapsed_probe -h 127.0.0.1 -p "$port" -C "$dir/other.pem" -T 2
check_contains "name mismatch rejected" "is not valid for 127.0.0.1 (it names other.example)" "$out"
check_contains "name mismatch shows pin" "tls_fingerprint = sha256:" "$out"
check_not_contains "name mismatch sent nothing" "LOGIN" "$(cat "$dir/commands" 2>/dev/null)"
fake_server_stop

# The same server pinned: works, because a pin replaces the name check.
fingerprint=sha256:$(openssl x509 -in "$dir/other.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
fake_server_start no-starttls --tls-cert "$dir/other.pem" --tls-key "$dir/other.key"
elapsed_probe -h 127.0.0.1 -p "$port" -F "$fingerprint" -T 2
check_contains "pinned other name ok" "ok" "$out"
fake_server_stop

# A closed port: connection refused.  The fake server's port is free
# again once it has exited.
elapsed_probe -h 127.0.0.1 -p "$port" -t none -T 2
check_contains "closed port refused" "connection to 127.0.0.1:$port refused" "$out"

check_finish
