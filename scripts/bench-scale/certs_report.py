#!/usr/bin/env python3
"""The report of a scaling row of scripts/bench (issue 17): reads the row's samples (server, N,
metric, value), writes a Markdown table of medians with ratios to N = 1 and to Caddy, a gnuplot
chart, and with --readme the row's block in README.md's "### Scaling" section. Standard library
only; gnuplot (Debian gnuplot-nox) for the chart, which is left out without it.

BENCH_ONLY=certs uses this file as it is; hosts_report.py gives it the hosts row's columns.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
from collections import defaultdict

import scale_goals
import scaling_readme

# (metric, heading, format, lower is better)
CERTS = {
    "title": "Certificates / SNI names",
    "intro": ("Each of N names has its own certificate file (ECDSA P-256, self-signed). Start-up: launch to the "
              "first 200 over TLS. Handshake: server CPU per full TLS 1.3 handshake (a new connection and session "
              "each, the SNI name rotating over all N in random order, after every name's first handshake), "
              "median of the passes. First handshake: the same for each name's first (container reads the key "
              "then beyond 100 files)."),
    "columns": [
        ("start_ms", "start-up (s)", lambda v: f"{v / 1000:.2f}"),
        ("ready_ms", "of which 'ready in' (s)", lambda v: f"{v / 1000:.2f}"),
        ("rss_start_mib", "RSS after start (MiB)", lambda v: f"{v:.0f}"),
        ("rss_after_mib", "RSS after all names (MiB)", lambda v: f"{v:.0f}"),
        ("first_handshake_us", "first handshake (µs CPU)", lambda v: f"{v:.0f}"),
        ("handshake_us", "handshake (µs CPU)", lambda v: f"{v:.0f}"),
        ("handshakes_per_s", "handshakes/s", lambda v: f"{v:.0f}"),
    ],
    "ratio": [("start_ms", "start-up"), ("rss_start_mib", "RSS"), ("handshake_us", "handshake CPU")],
    "chart": [("handshake_us", "server CPU per full handshake (µs)"), ("start_ms", "start-up to first 200 (ms)"),
              ("rss_start_mib", "RSS after start (MiB)")],
    "errors": ["first_handshake.failures", "handshake.failures"],
    "goals": lambda samples: certs_goals(samples),
    "pairs": ("server CPU per full handshake, container with one name (A) and with N (B) started together on the "
              "server core, every name's first handshake done, measured in turn A B B A with the names in a new "
              "random order each pass, the pair started anew every few rounds"),
}


def read(path):
    samples = defaultdict(list)
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            continue
        server, n, metric, value = parts
        try:
            samples[(server, int(n), metric)].append(float(value))
        except ValueError:
            pass
    return samples


def median(samples, server, n, metric):
    values = samples.get((server, n, metric))
    return statistics.median(values) if values else None


def table(samples, row):
    servers = [s for s in ("container", "caddy") if any(k[0] == s for k in samples)]
    ns = sorted({k[1] for k in samples if k[0] in servers})
    lines = []
    for server in servers:
        heads = ["N"] + [c[1] for c in row["columns"]] + [f"{m} ×N=1" for m in row["ratio_names"]]
        if server == "container" and "caddy" in servers:
            heads += [f"{m} ×Caddy" for m in row["ratio_names"]]
        lines.append(f"**{server}**\n")
        lines.append("| " + " | ".join(heads) + " |")
        lines.append("|" + "---|" * len(heads))
        for n in ns:
            if median(samples, server, n, row["columns"][0][0]) is None and median(samples, server, n, row["columns"][-1][0]) is None:
                failed = any(k[0] == server and k[1] == n and k[2].endswith(".failed") for k in samples)
                if failed:
                    lines.append(f"| {n:,} | " + " | ".join(["not measured (no answer in time)"] + [""] * (len(heads) - 2)) + " |")
                continue
            cells = [f"{n:,}"]
            for metric, _, fmt in row["columns"]:
                v = median(samples, server, n, metric)
                cells.append(fmt(v) if v is not None else "–")
            for metric in row["ratio"]:
                v, base = median(samples, server, n, metric), median(samples, server, ns[0], metric)
                cells.append(f"{v / base:.2f}" if v is not None and base else "–")
            if server == "container" and "caddy" in servers:
                for metric in row["ratio"]:
                    v, other = median(samples, server, n, metric), median(samples, "caddy", n, metric)
                    cells.append(f"{v / other:.2f}" if v is not None and other else "–")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    errors = {f"{k[0]} N={k[1]} {k[2]}": sum(v) for k, v in samples.items() if k[2] in row["errors"] and sum(v) > 0}
    if errors:
        lines.append("Failures: " + ", ".join(f"{k}: {v:.0f}" for k, v in sorted(errors.items())) + "\n")
    return "\n".join(lines)


def interleaved(samples, row):
    """The pair's paragraph: container at N = 1 (A) and at the largest N (B) measured in turn, B ÷ A per round."""
    keys = [k for k in samples if k[0] == "container-ab" and k[2] == "ratio"]
    if not keys or "pairs" not in row:
        return ""
    n = keys[0][1]
    ratios = sorted(samples[keys[0]])
    a, b = (statistics.median(samples.get(("container-ab", n, m), [0])) for m in ("a_us", "b_us"))
    q = statistics.quantiles(ratios, n=4) if len(ratios) >= 4 else [ratios[0], statistics.median(ratios), ratios[-1]]
    errors = sum(sum(v) for k, v in samples.items() if k[0] == "container-ab" and k[2].endswith((".errors", ".failures")))
    # how far the median itself may be off: the 2.5th and 97.5th percentiles of the medians of resampled rounds
    draw = random.Random(17)
    medians = sorted(statistics.median(draw.choices(ratios, k=len(ratios))) for _ in range(10_000))
    low, high = medians[250], medians[9_750]
    return (f"**Interleaved, N = {n:,} ÷ N = 1** ({row['pairs']}): median of {len(ratios)} rounds "
            f"**{statistics.median(ratios):.3f}×** (95% bootstrap interval of the median {low:.3f} .. {high:.3f}), "
            f"quartiles {q[0]:.3f} .. {q[-1]:.3f}, range {ratios[0]:.3f} .. "
            f"{ratios[-1]:.3f} (A {a:.1f} µs, B {b:.1f} µs: medians of the rounds)"
            + (f"; failures: {errors:.0f}" if errors else "") + ".\n")


def within(samples, metric, limit, what):
    """The goal that the largest N costs at most limit × N = 1: read off the interleaved pair when the
    run has one (the figure to trust, see the report), else off the table's medians."""
    pair = [k for k in samples if k[0] == "container-ab" and k[2] == "ratio"]
    if pair:
        n, ratio, source = pair[0][1], statistics.median(samples[pair[0]]), "interleaved pair"
    else:
        ns = sorted(k[1] for k in samples if k[0] == "container" and k[2] == metric)
        if not ns or ns[0] == ns[-1]:
            return (f"{metric}.flat", f"{what} at the largest N within {limit - 1:.0%} of N = 1", "not measured", None)
        n, source = ns[-1], "medians of the table"
        ratio = median(samples, "container", n, metric) / median(samples, "container", ns[0], metric)
    return (f"{metric}.flat", f"{what} at N = {n:,} within {limit - 1:.0%} of N = 1 ({source})",
            f"{ratio:.3f}×", ratio <= limit)


def certs_goals(samples):
    ns = sorted({k[1] for k in samples if k[0] == "container" and k[2] == "start_ms"})
    goals = []
    if ns and ns[-1] >= 10_000:
        start = median(samples, "container", ns[-1], "start_ms")
        goals.append(("start_ms.10000", f"start-up with {ns[-1]:,} certificate files under 5 s",
                      f"{start / 1000:.2f} s", start < 5000))
    else:
        goals.append(("start_ms.10000", "start-up with 10,000 certificate files under 5 s", "not measured", None))
    goals.append(within(samples, "handshake_us", 1.05, "full-handshake server CPU"))
    return goals


def chart(samples, row, path):
    if not shutil.which("gnuplot"):
        return False
    servers = [s for s in ("container", "caddy") if any(k[0] == s for k in samples)]
    ns = sorted({k[1] for k in samples})
    data = path + ".dat"
    panels = row["chart"]
    with open(data, "w") as f:
        for server in servers:
            for n in ns:
                values = [median(samples, server, n, m) for m, _ in panels]
                f.write(f"{n} " + " ".join("NaN" if v is None else f"{v}" for v in values) + "\n")
            f.write("\n\n")
    plots = []
    for i, (metric, label) in enumerate(panels):
        series = ", ".join(f"'{data}' index {j} using 1:{i + 2} with linespoints lw 2 pt 7 title '{s}'"
                           for j, s in enumerate(servers))
        plots.append(f"set title '{label}'\nset logscale x\nset xlabel 'N'\nset yrange [0:*]\nplot {series}\n")
    script = (f"set terminal pngcairo size {420 * len(panels)},360 font ',10'\nset output '{path}'\n"
              f"set multiplot layout 1,{len(panels)} title '{row['title']} (medians)'\nset key top left\nset grid\n"
              + "".join(plots) + "unset multiplot\n")
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"report: no chart: {e}")
        return False
    finally:
        os.remove(data)
    return True


def main(row, row_name):
    parser = argparse.ArgumentParser()
    for option in ("results", "out", "chart", "command", "pinning", "settings", "versions"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--readme")
    parser.add_argument("--goals", help="also write the goals here, for the full run's report (scale_goals)")
    args = parser.parse_args()
    row["ratio_names"] = [label for _, label in row["ratio"]]
    row["ratio"] = [metric for metric, _ in row["ratio"]]
    samples = read(args.results)
    body = table(samples, row)
    pairs = interleaved(samples, row)
    if pairs:
        body += "\n" + pairs
    goals = row["goals"](samples)
    scale_goals.write(args.goals, row_name, goals)
    has_chart = chart(samples, row, args.chart)
    picture = f"![{row['title']}]({os.path.basename(args.chart)})\n\n" if has_chart else ""
    report = (f"# {row['title']}: cost against N\n\n`{args.command}`, {args.pinning}. {args.settings}.\n"
              f"{args.versions}.\n\n{row['intro']}\n\nGoals (issue 17):\n\n" + "\n".join(scale_goals.lines(goals)) + f"\n\n{body}\n{picture}")
    open(args.out, "w").write(report)
    if args.readme:
        rel = os.path.relpath(args.out, os.path.dirname(os.path.abspath(args.readme)))
        scaling_readme.replace(args.readme, row_name, f"**{row['title']}** ([report]({rel})): {row['intro']}\n\n{body}")


if __name__ == "__main__":
    main(CERTS, "certs")
