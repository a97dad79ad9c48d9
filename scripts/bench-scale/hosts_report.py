#!/usr/bin/env python3
"""The report of BENCH_ONLY=hosts (scripts/bench-scale/hosts.sh): certs_report.py with this row's columns."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import certs_report  # noqa: E402

HOSTS = {
    "title": "Virtual hosts",
    "intro": ("N virtual hosts in the config, each its own static mount of the same directory; wrk (64 connections, "
              "HTTP/1.1 keep-alive, plain HTTP) asks for a 1 KiB file with the Host header rotating over one host "
              "(one) or over all N (many). Server CPU per request in µs, medians of the rounds."),
    "columns": [
        ("start_ms", "start-up (s)", lambda v: f"{v / 1000:.2f}"),
        ("rss_start_mib", "RSS after start (MiB)", lambda v: f"{v:.0f}"),
        ("one_rps", "one host req/s", lambda v: f"{v:,.0f}"),
        ("many_rps", "all hosts req/s", lambda v: f"{v:,.0f}"),
        ("one_us", "one host (µs CPU/req)", lambda v: f"{v:.1f}"),
        ("many_us", "all hosts (µs CPU/req)", lambda v: f"{v:.1f}"),
    ],
    "ratio": [("many_rps", "req/s"), ("many_us", "CPU/req")],
    "chart": [("many_rps", "requests/s, Host over all N"), ("many_us", "server CPU per request (µs), Host over all N"),
              ("one_us", "server CPU per request (µs), one host")],
    "errors": ["one.errors", "many.errors"],
    # flat: within 5%, the bound issue 17 gives the certificates row
    "goals": lambda samples: [certs_report.within(samples, "many_us", 1.05, "routing: server CPU per request")],
    "pairs": ("server CPU per request with the Host header over all hosts, container with one host (A) and with N "
              "(B) started together on the server core and measured in turn A B B A, the pair started anew every few "
              "rounds"),
}

if __name__ == "__main__":
    certs_report.main(HOSTS, "hosts")
