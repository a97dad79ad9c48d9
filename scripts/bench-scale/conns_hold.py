#!/usr/bin/env python3
"""Opens and holds many idle keep-alive connections to one server (issue 17, BENCH_ONLY=conns).

Each connection makes one request (GET PATH), reads the whole answer, then stays open and idle:
HTTP/1.1 in plain text, or HTTP/2 over TLS (ALPN h2, answering the server's SETTINGS and PINGs as a
browser would). wrk and h2load cannot hold connections without traffic, hence this client.

Commands on stdin, one a line; each answered by one line on stdout:
  open N    open connections until N are held in all; answers "held H failed F dropped D"
  count     answers the same line without opening any
  quit      closes every connection and exits
Source addresses rotate over 127.0.0.1..127.0.0.SOURCES, so more than one address' worth of
ephemeral ports (about 28k on Linux) can be held. Standard library only.
"""
import argparse
import asyncio
import resource
import ssl
import struct
import sys

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
# frame types and flags of RFC 9113
DATA, HEADERS, SETTINGS, PING, GOAWAY = 0x0, 0x1, 0x4, 0x6, 0x7
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_literal(index, value):
    """A header field as a literal without indexing, its name from the static table (RFC 7541 6.2.2)."""
    data = value.encode()
    assert index < 15 and len(data) < 127
    return bytes([index, len(data)]) + data


def ok_status(block):
    """Whether a header block (no padding or priority) starts with :status 200: after any dynamic
    table size updates (RFC 7541 6.3, as Tomcat sends first), the static entry for 200 (0x88), or
    a literal with the static name :status (index 8) and the value "200"."""
    i = 0
    while i < len(block) and block[i] & 0xE0 == 0x20:
        if block[i] & 0x1F == 0x1F:
            i += 1
            while i < len(block) and block[i] & 0x80:
                i += 1
        i += 1
    return block[i:i + 1] == b"\x88" or block[i + 1:i + 5] == b"\x03200"


class Holder:
    def __init__(self, args):
        self.args = args
        self.held = 0
        self.failed = 0
        self.dropped = 0
        self.tasks = set()
        self.opened = 0
        self.tls = None
        if args.h2:
            self.tls = ssl.create_default_context(cafile=args.cafile)
            self.tls.set_alpn_protocols(["h2"])

    def status(self):
        return f"held {self.held} failed {self.failed} dropped {self.dropped}"

    async def open(self, target):
        limit = asyncio.Semaphore(self.args.parallel)
        ready = []

        async def one(n):
            async with limit:
                ok = asyncio.get_running_loop().create_future()
                task = asyncio.create_task(self.connection(n, ok))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                await ok
                ready.append(ok.result())

        await asyncio.gather(*(one(self.opened + i) for i in range(max(0, target - self.held))))
        self.opened += len(ready)

    async def connection(self, n, ok):
        source = f"127.0.0.{1 + n % self.args.sources}"
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(
                self.args.host, self.args.port, local_addr=(source, 0), ssl=self.tls,
                server_hostname=self.args.server_name if self.tls else None), 15)
            if self.args.h2:
                await asyncio.wait_for(self.h2_request(reader, writer), 15)
            else:
                await asyncio.wait_for(self.h1_request(reader, writer), 15)
        except (OSError, asyncio.TimeoutError, ValueError, asyncio.IncompleteReadError) as e:
            self.failed += 1
            if self.failed <= 3:
                print(f"conns_hold: connection {n} from {source}: {type(e).__name__}: {e}", file=sys.stderr)
            ok.set_result(False)
            return
        self.held += 1
        ok.set_result(True)
        try:
            if self.args.h2:
                await self.h2_idle(reader, writer)
            else:
                await reader.read(1)  # the server closing, or nothing until quit
        except (OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            writer.close()
            raise
        self.held -= 1
        self.dropped += 1
        writer.close()

    async def h1_request(self, reader, writer):
        writer.write(f"GET {self.args.path} HTTP/1.1\r\nHost: {self.args.server_name}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        if status != b"200":
            raise ValueError(f"status {status.decode()}")
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            raise ValueError("no Content-Length")
        await reader.readexactly(length)

    async def h2_request(self, reader, writer):
        if writer.get_extra_info("ssl_object").selected_alpn_protocol() != "h2":
            raise ValueError("ALPN did not choose h2")
        # :method GET (static 2), :scheme https (static 7), then :path and :authority as literals
        block = b"\x82\x87" + hpack_literal(4, self.args.path) + hpack_literal(1, self.args.server_name)
        writer.write(PREFACE + frame(SETTINGS, 0, 0) + frame(HEADERS, END_STREAM | END_HEADERS, 1, block))
        while True:
            kind, flags, stream, payload = await self.read_frame(reader, writer)
            if kind == HEADERS and stream == 1 and not ok_status(payload):
                raise ValueError(f"status other than 200: {payload[:8].hex()}")
            if kind in (DATA, HEADERS) and stream == 1 and flags & END_STREAM:
                return
            if kind == GOAWAY:
                raise ValueError("GOAWAY before the answer")

    async def h2_idle(self, reader, writer):
        while True:
            kind, _, _, _ = await self.read_frame(reader, writer)
            if kind == GOAWAY:
                return

    @staticmethod
    async def read_frame(reader, writer):
        head = await reader.readexactly(9)
        length = int.from_bytes(head[:3], "big")
        kind, flags = head[3], head[4]
        stream = int.from_bytes(head[5:9], "big") & 0x7FFFFFFF
        payload = await reader.readexactly(length)
        if kind == SETTINGS and not flags & ACK:
            writer.write(frame(SETTINGS, ACK, 0))
        elif kind == PING and not flags & ACK:
            writer.write(frame(PING, ACK, 0, payload))
        return kind, flags, stream, payload


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/1k.bin")
    parser.add_argument("--h2", action="store_true", help="HTTP/2 over TLS (ALPN h2) instead of HTTP/1.1 in plain text")
    parser.add_argument("--cafile", help="the server certificate to trust (h2)")
    parser.add_argument("--server-name", default="localhost")
    parser.add_argument("--sources", type=int, default=4, help="source addresses 127.0.0.1..N")
    parser.add_argument("--parallel", type=int, default=64, help="connections being opened at once")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    holder = Holder(args)
    loop = asyncio.get_running_loop()
    lines = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(lines), sys.stdin)
    while True:
        line = (await lines.readline()).decode().split()
        if not line or line[0] == "quit":
            break
        if line[0] == "open":
            await holder.open(int(line[1]))
        print(holder.status(), flush=True)
    for task in list(holder.tasks):
        task.cancel()
    await asyncio.gather(*holder.tasks, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
