#!/usr/bin/env python3
"""The report of BENCH_ONLY=conns (scripts/bench-scale/conns.sh): memory per idle connection and the
p99 of a normal client meanwhile, container against nginx and Tomcat. Standard library only;
gnuplot draws the chart when it is installed."""
import argparse
import collections
import os
import re
import shutil
import subprocess
import tempfile

import scale_goals
import scaling_readme

SERVERS = ["container", "container-jdk", "nginx", "tomcat"]
PROTOCOLS = {"h1": "HTTP/1.1", "h2": "h2 over TLS"}
LABEL = {"container-jdk": "container (JDK TLS)"}


def read(path):
    values = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4:
            values[(parts[1], parts[2])] = parts[3]
    return values


def number(values, server, metric):
    value = values.get((server, metric))
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def counts_of(values):
    found = set()
    for (_, metric) in values:
        m = re.match(r"h[12]\.n(\d+)\.kib_per_conn$", metric)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def ms(us):
    return "–" if us is None else f"{us / 1000:.1f}"


def ratio(a, b):
    return None if a is None or b is None or b <= 0 else a / b


def rows(values, counts):
    """(protocol, count, server, kib, held, failed, dropped, p99_0, p99_n, rate_n)"""
    out = []
    for protocol in PROTOCOLS:
        for count in counts:
            for server in SERVERS:
                kib = number(values, server, f"{protocol}.n{count}.kib_per_conn")
                if kib is None:
                    continue
                out.append((protocol, count, server, kib,
                            number(values, server, f"{protocol}.n{count}.held"),
                            number(values, server, f"{protocol}.n{count}.failed"),
                            number(values, server, f"{protocol}.n{count}.dropped"),
                            number(values, server, f"{protocol}.n0.p99_us"),
                            number(values, server, f"{protocol}.n{count}.p99_us"),
                            number(values, server, f"{protocol}.n{count}.rate"),
                            number(values, server, f"{protocol}.rss_base_mib"),
                            number(values, server, f"{protocol}.n{count}.rss_mib")))
    return out


CAPPED = {}


def valid(row):
    """A figure counts only when every connection asked for (or the most the descriptor limit lets
    Conscrypt hold: fd_capped) was held to the end."""
    protocol, count, server, kib, held, failed, dropped = row[:7]
    return held in (count, CAPPED.get((server, protocol, count))) and not failed and not dropped


def valid_kib(values, protocol, count, server):
    """The server's memory per connection, when it held every connection (else None)."""
    row = [r for r in rows(values, [count]) if r[0] == protocol and r[2] == server]
    return row[0][3] if row and valid(row[0]) else None


def table(values, counts):
    lines = ["| protocol | held | server | KiB per connection | × nginx | RSS before → held (MiB) | p99 idle (ms) | p99 held (ms) | req/s held |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows(values, counts):
        protocol, count, server, kib, held, failed, dropped, p0, pn, rate, base, rss = row
        nginx = valid_kib(values, protocol, count, "nginx")
        note = "" if valid(row) else f" (held {fmt(held, 0)}, failed {fmt(failed, 0)}, dropped {fmt(dropped, 0)})"
        if CAPPED.get((server, protocol, count)) is not None:
            note += f" (held {fmt(held, 0)}: the descriptor limit¹)"
        r = ratio(kib, nginx) if server != "nginx" and valid(row) else None
        lines.append(f"| {PROTOCOLS[protocol]} | {count:,} | {LABEL.get(server, server)} | {fmt(kib)}{note} | "
                     f"{'' if r is None else f'{r:.2f}×'} | {fmt(base)} → {fmt(rss)} | {ms(p0)} | {ms(pn)} | {fmt(rate, 0)} |")
    return "\n".join(lines)


def goals(values, counts):
    """(key, goal, measured, met) for each protocol and count: memory per connection against nginx and Tomcat."""
    out = []
    for protocol in PROTOCOLS:
        for count in counts:
            c = valid_kib(values, protocol, count, "container")
            for peer, bound, text in (("nginx", 1.5, "≤ 1.5× nginx's"), ("tomcat", None, "below Tomcat's")):
                goal = f"{PROTOCOLS[protocol]}, {count:,} held: memory per idle connection {text}"
                key = f"conns.{protocol}.{count}.{peer}"
                p = valid_kib(values, protocol, count, peer)
                if c is None:
                    out.append((key, goal, "container did not hold them all (see the table)", False))
                elif p is None:
                    out.append((key, goal, "not measured", None))
                elif c <= 0:
                    out.append((key, goal, "RSS did not grow measurably", True))
                else:
                    r = f"{c / p:.2f}×" if p > 0 else "∞"
                    met = c <= bound * p if bound else c < p
                    out.append((key, goal, f"{fmt(c)} KiB against {fmt(p)}: {r}", met))
    return out


def chart(values, counts, path):
    if not shutil.which("gnuplot"):
        return False
    groups = [(p, c) for p in PROTOCOLS for c in counts]
    servers = [s for s in SERVERS if any(number(values, s, f"{p}.n{c}.kib_per_conn") is not None for p, c in groups)]
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        with open(data, "w") as f:
            for p, c in groups:
                cells = []
                for s in servers:
                    v = number(values, s, f"{p}.n{c}.kib_per_conn")
                    cells.append("?" if v is None else f"{max(v, 0.01):.2f}")
                f.write(f'"{PROTOCOLS[p]}, {c:,} held" ' + " ".join(cells) + "\n")
        plots = ", ".join(f"'{data}' using {i + 2}:xtic(1) title '{LABEL.get(s, s)}'" for i, s in enumerate(servers))
        script = f"""
set terminal pngcairo size 900,480 font ',10'
set output '{path}'
set title 'Memory per idle keep-alive connection: (RSS held - RSS before) / N (lower is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'KiB per connection (log scale)'
set key top left
set grid ytics
plot {plots}
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return True


def readme_block(values, counts):
    lines = ["#### Idle connections", "",
             "Memory per idle keep-alive connection, (RSS with N held − RSS before) / N, KiB; "
             "ratios to nginx in the same run (`BENCH_ONLY=conns scripts/bench`).", "",
             "| protocol | held | container | container, JDK TLS | nginx | Tomcat | container ÷ nginx | container p99 held |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for protocol in PROTOCOLS:
        for count in counts:
            c = number(values, "container", f"{protocol}.n{count}.kib_per_conn")
            n, t = (valid_kib(values, protocol, count, s) for s in ("nginx", "tomcat"))
            r = ratio(valid_kib(values, protocol, count, "container"), n)
            p = number(values, "container", f"{protocol}.n{count}.p99_us")
            row = [x for x in rows(values, [count]) if x[0] == protocol and x[2] == "container"]
            held = "" if row and valid(row[0]) else f" (held {fmt(row[0][4], 0)})" if row else ""
            if CAPPED.get(("container", protocol, count)) is not None:
                held = f" ({fmt(row[0][4], 0)} held¹)"
            jdk = fmt(valid_kib(values, protocol, count, "container-jdk")) if protocol == "h2" else ""
            lines.append(f"| {PROTOCOLS[protocol]} | {count:,} | {fmt(c)}{held} | {jdk} | {fmt(n)} | {fmt(t)} | "
                         f"{'–' if r is None else f'{r:.2f}×'} | {ms(p)} ms |")
    if CAPPED:
        lines += ["", "¹ Conscrypt takes three file descriptors per TLS connection (it opens a pipe for each); "
                  "under the machine's limit of descriptors it held this many. \"JDK TLS\" is `--tls-provider jdk`."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--chart", required=True)
    parser.add_argument("--command", default="")
    parser.add_argument("--pinning", default="")
    parser.add_argument("--settings", default="")
    parser.add_argument("--versions", default="")
    parser.add_argument("--readme")
    parser.add_argument("--histogram", action="append", default=[],
                        help="'SERVER PROTOCOL FILE': jcmd GC.class_histogram with the most connections held")
    parser.add_argument("--goals", help="also write the goals here, for the full run's report (scale_goals)")
    args = parser.parse_args()
    values = read(args.results)
    counts = counts_of(values)
    for (server, metric), value in values.items():
        m = re.match(r"(h[12])\.n(\d+)\.fd_capped$", metric)
        if m:
            CAPPED[(server, m.group(1), int(m.group(2)))] = float(value)
    drew = chart(values, counts, args.chart)
    name = os.path.basename(args.out)
    text = [f"# Idle connections: {name[:10]}", "",
            "Issue 17: N keep-alive connections held open and idle (each made one request), HTTP/1.1 in plain "
            "text and HTTP/2 over TLS; memory per connection is (RSS with N held − RSS before) / N, "
            "the server's processes together; p99 is a normal client's meanwhile (10 connections, closed loop) "
            "against the 1 KiB file, first with nothing held. A figure marked with held/failed/dropped is not "
            "valid: the server did not keep every connection.", "",
            f"- command: `{args.command}`", f"- {args.pinning}", f"- settings: {args.settings}",
            f"- versions: {args.versions}", "", "## Goals (issue 17)", "", *scale_goals.lines(goals(values, counts)), "",
            "## Figures", "", table(values, counts), ""]
    if CAPPED:
        text += ["¹ Conscrypt opens a pipe for every SSL object, so each TLS connection takes three file "
                 "descriptors (the socket and the pipe's two ends) instead of one; under this machine's hard "
                 "limit (`ulimit -Hn`) container with Conscrypt held as many as fit, and its memory per "
                 "connection is over those. container (JDK TLS) is the same server with `--tls-provider jdk`, "
                 "one descriptor per connection.", ""]
    if drew:
        text += [f"![memory per idle connection]({os.path.basename(args.chart)})", ""]
    if args.histogram:
        text += ["## Where the heap goes", "",
                 "`jcmd GC.class_histogram` of the JVM with the most connections held (after every figure above: "
                 "it runs a full GC), its largest classes:", ""]
        for spec in args.histogram:
            server, protocol, path = spec.split(" ", 2)
            text += [f"{LABEL.get(server, server)}, {PROTOCOLS[protocol]}:", "", "```", open(path).read().rstrip(), "```", ""]
    open(args.out, "w").write("\n".join(text))
    scale_goals.write(args.goals, "conns", goals(values, counts))
    if args.readme:
        scaling_readme.replace(args.readme, "conns", readme_block(values, counts))


if __name__ == "__main__":
    main()
