# landed check with a resolver that never replies: the host name lookup
# must give up after --timeout with a clear error.  The script runs
# itself again inside new network and mount namespaces, where
# /etc/resolv.conf points at a UDP socket on 127.0.0.1:53 that reads
# queries and never replies, so nothing reaches a real resolver.
#
# Needs: $LANDED (the binary under test), unshare, python3.
set -u

if [ "${LANDED_DNS_INNER:-}" != 1 ]; then
	if ! unshare --net --mount true 2>/dev/null; then
		echo "SKIP: unshare --net --mount is not permitted here"
		echo "checks: 0 passed, 0 failed"
		exit 0
	fi
	LANDED_DNS_INNER=1 exec unshare --net --mount sh "$0"
fi

. tests/lib/check.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-dns.XXXXXX")
silent=
trap '[ -z "$silent" ] || kill "$silent" 2>/dev/null; rm -rf "$work"' EXIT INT TERM

ip link set lo up
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:3\n' >"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf

python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(__import__("sys").argv[1], "w").write("ready\n")
while True:
    s.recvfrom(512)' "$work/ready" &
silent=$!
while [ ! -s "$work/ready" ]; do sleep 0.05; done

cat >"$work/landed.conf" <<EOF
[account slow-dns]
provider = generic
user = seed
password_env = LANDED_IT_DNS
host = imap.unanswered.example
authserv_id = mx.example.net
EOF
chmod 600 "$work/landed.conf"

start=$(date +%s)
json=$(LANDED_IT_DNS=x "$LANDED" check -c "$work/landed.conf" --timeout 2 \
    --message-id t1='<t1@sender.example.com>' --format json 2>"$work/stderr")
status=$?
elapsed=$(($(date +%s) - start))

check_eq "exit status" 3 "$status"
check_eq "gave up within the timeout plus 3 s" "yes" "$([ "$elapsed" -le 5 ] && echo yes || echo "no ($elapsed s)")"
check_contains "error names the lookup" "looking up the host name imap.unanswered.example timed out after 2 s" "$(cat "$work/stderr")"
check_contains "result is an account error" '"placement": "error"' "$json"

check_finish
