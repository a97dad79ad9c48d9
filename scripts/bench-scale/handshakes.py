#!/usr/bin/env python3
"""Full TLS handshakes against HOST:PORT, each on a new connection with a new session (no
resumption), the server name (SNI) taken in turn from a shuffled list: the certificates rows'
client (scripts/bench-scale/certs.sh). Prints "handshakes=N failures=F seconds=S".

  handshakes.py PORT NAMES_FILE (--count N | --seconds S) [--seed K]

Standard library only. The certificate is not verified (self-signed, and the client's cost is
not what is measured); TLS 1.3, as openssl s_time measures elsewhere in the bench.
"""
import argparse
import random
import socket
import ssl
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("names")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--in-order", action="store_true", help="each name once, in the file's order")
    args = parser.parse_args()
    with open(args.names) as f:
        names = [line.strip() for line in f if line.strip()]
    if not args.in_order:
        random.Random(args.seed).shuffle(names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    done = failures = 0
    start = time.monotonic()
    deadline = start + args.seconds if args.seconds else None
    i = 0
    while True:
        if args.count and done + failures >= args.count:
            break
        if deadline and time.monotonic() >= deadline:
            break
        name = names[i % len(names)]
        i += 1
        try:
            with socket.create_connection(("127.0.0.1", args.port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname=name) as tls:
                    tls.do_handshake()
            done += 1
        except (OSError, ssl.SSLError) as e:
            failures += 1
            if failures <= 3:
                print(f"handshake for {name}: {e}", file=sys.stderr)
    print(f"handshakes={done} failures={failures} seconds={time.monotonic() - start:.3f}")


if __name__ == "__main__":
    main()
