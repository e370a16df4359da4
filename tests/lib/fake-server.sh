# Starting and stopping tests/fixtures/fake-imap-server from a test
# script (POSIX sh).  Source it after setting $fake_dir to a directory of
# the test's own:
#
#   fake_dir=$work
#   . tests/lib/fake-server.sh
#   trap '... fake_server_stop ...' EXIT
#   fake_server_start gmail [--lifetime 60] [--tls-cert F --tls-key K]
#   ... connect to 127.0.0.1:$port; the client's lines are in
#   ... $fake_dir/commands
#   fake_server_stop
#
# The server serves one connection by default and ends after --lifetime
# seconds (20 unless given), so a test that fails cannot leave it running
# for long.

server_pid=

# fake_server_start SCENARIO [OPTIONS...]: starts the server, sets $port.
fake_server_start() {
	rm -f "$fake_dir/port" "$fake_dir/commands"
	_fs_scenario=$1
	shift
	tests/fixtures/fake-imap-server "$_fs_scenario" --port-file \
	    "$fake_dir/port" --log "$fake_dir/commands" --lifetime 20 "$@" &
	server_pid=$!
	_fs_i=0
	while [ ! -s "$fake_dir/port" ] && [ $_fs_i -lt 100 ]; do
		sleep 0.05
		_fs_i=$((_fs_i + 1))
	done
	port=$(cat "$fake_dir/port")
}

# fake_server_stop: stops the server if it still runs and reaps it.
fake_server_stop() {
	[ -n "$server_pid" ] || return 0
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=
}
