#!/usr/bin/python3
"""A TCP proxy on 127.0.0.1 that delays everything the server sends.

usage: delay-proxy.py TARGET-PORT DELAY-MS PORT-FILE STATS-FILE

It listens on a free port of 127.0.0.1, writes that port to PORT-FILE and
forwards each connection to 127.0.0.1:TARGET-PORT.  Every chunk read from
the server is held for DELAY-MS before the client gets it, which gives
each IMAP round trip at least that latency, as a distant server would.
On SIGTERM it writes "connections N" and "commands N" to STATS-FILE,
where commands counts the lines that clients sent.
"""

import asyncio
import signal
import sys

target_port = int(sys.argv[1])
delay = int(sys.argv[2]) / 1000.0
port_file, stats_file = sys.argv[3], sys.argv[4]
stats = {"connections": 0, "commands": 0}


async def client_to_server(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        stats["commands"] += data.count(b"\n")
        writer.write(data)
        await writer.drain()
    writer.close()


async def server_to_client(reader, writer):
    while True:
        data = await reader.read(65536)
        if not data:
            break
        await asyncio.sleep(delay)
        writer.write(data)
        await writer.drain()
    writer.close()


async def handle(client_reader, client_writer):
    stats["connections"] += 1
    try:
        server_reader, server_writer = await asyncio.open_connection(
            "127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(client_to_server(client_reader, server_writer),
                         server_to_client(server_reader, client_writer),
                         return_exceptions=True)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    with open(port_file, "w") as f:
        f.write("%d\n" % server.sockets[0].getsockname()[1])
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    with open(stats_file, "w") as f:
        f.write("connections %d\ncommands %d\n" % (stats["connections"],
                                                  stats["commands"]))


asyncio.run(main())
