#!/usr/bin/env python3
"""The report of BENCH_ONLY=static (scripts/bench-scale/static.sh): RSS while every file of a large
tree is fetched once (and again), and the hot 1 KiB rate before and after. Standard library only;
gnuplot draws the chart when it is installed."""
import argparse
import os
import shutil
import subprocess
import tempfile

import scale_goals
import scaling_readme

SERVERS = ["container", "nginx"]


def read(path):
    values = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 4:
            values[(parts[1], parts[2])] = parts[3]
    return values


def number(values, server, metric):
    try:
        return float(values[(server, metric)])
    except (KeyError, ValueError):
        return None


def curve(values, server):
    """(files touched, RSS MiB) after each slice of the first pass."""
    points = []
    for (s, metric), value in values.items():
        if s == server and metric.startswith("rss.") and metric[4:].isdigit():
            points.append((int(metric[4:]), float(value)))
    return sorted(points)


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def summary(values, servers):
    lines = ["| server | RSS before (MiB) | after 50% | after 100% | after a second pass | growth in the second pass | hot 1 KiB before (req/s) | after | after ÷ before | files/s, 1st pass | 2nd pass | failed |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for server in servers:
        points = curve(values, server)
        if not points:
            continue
        total = points[-1][0]
        half = min(points, key=lambda p: abs(p[0] - total / 2))
        second = number(values, server, "rss.after_second_pass")
        before = number(values, server, "hot_1k.before")
        after = number(values, server, "hot_1k.after")
        failed = (number(values, server, "sweep1.failed") or 0) + (number(values, server, "sweep2.failed") or 0)
        growth = (second - points[-1][1]) if second is not None else 0.0
        ratio = f"{after / before:.2f}×" if before and after else "–"
        lines.append(f"| {server} | {fmt(points[0][1])} | {fmt(half[1])} | {fmt(points[-1][1])} | {fmt(second)} | "
                     f"{growth:+.1f} MiB | {fmt(before, 0)} | {fmt(after, 0)} | {ratio} | "
                     f"{fmt(number(values, server, 'sweep1.rate'), 0)} | {fmt(number(values, server, 'sweep2.rate'), 0)} | {failed:.0f} |")
    return "\n".join(lines)


def goals(values):
    """(key, goal, measured, met) for container: the second pass adds no RSS, the hot rate holds."""
    points = curve(values, "container")
    second = number(values, "container", "rss.after_second_pass")
    before, after = number(values, "container", "hot_1k.before"), number(values, "container", "hot_1k.after")
    flat = "RSS flat once every file was touched: the second pass over the tree grows it by at most 2%"
    hot = "the hot 1 KiB rate after the tree at least 0.9× the rate before"
    out = []
    if points and second is not None:
        growth = second - points[-1][1]
        out.append(("static.rss_flat", flat, f"{growth:+.1f} MiB on {fmt(points[-1][1])}", growth <= 0.02 * points[-1][1]))
    else:
        out.append(("static.rss_flat", flat, "not measured", None))
    if before and after:
        out.append(("static.hot_rate", hot, f"{after / before:.2f}×", after >= 0.9 * before))
    else:
        out.append(("static.hot_rate", hot, "not measured", None))
    return out


def chart(values, servers, path):
    if not shutil.which("gnuplot"):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        plots = []
        for server in servers:
            points = curve(values, server)
            if not points:
                continue
            data = os.path.join(tmp, server)
            with open(data, "w") as f:
                f.writelines(f"{n} {rss}\n" for n, rss in points)
            plots.append(f"'{data}' using 1:2 with linespoints title '{server}'")
        script = f"""
set terminal pngcairo size 900,420 font ',10'
set output '{path}'
set title 'RSS while every file of the tree is fetched once (flat = the caches keep to their budgets)'
set xlabel 'files fetched'
set ylabel 'RSS (MiB)'
set yrange [0:*]
set key bottom right
set grid
plot {", ".join(plots)}
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return True


def readme_block(values, servers):
    return "\n".join(["#### Static tree", "",
                      "Every file of a 100,000-file tree fetched once, then again; RSS and the hot 1 KiB rate "
                      "(`BENCH_ONLY=static scripts/bench`).", "", summary(values, servers)])


def main():
    parser = argparse.ArgumentParser()
    for name in ("--results", "--out", "--chart"):
        parser.add_argument(name, required=True)
    for name in ("--command", "--pinning", "--settings", "--versions"):
        parser.add_argument(name, default="")
    parser.add_argument("--readme")
    parser.add_argument("--goals", help="also write the goals here, for the full run's report (scale_goals)")
    args = parser.parse_args()
    values = read(args.results)
    servers = [s for s in SERVERS if curve(values, s)]
    drew = chart(values, servers, args.chart)
    name = os.path.basename(args.out)
    text = [f"# Static tree: {name[:10]}", "",
            "Issue 17: a tree of small files of mixed sizes, every file fetched once through the server in ten "
            "slices (RSS after each), then all of them again; the hot 1 KiB file's rate before and after. "
            "Goal: RSS flat once every file was touched (container's caches: 32 MiB of file bytes and 16 MiB of "
            "ready responses, each entry charged its bytes and its own overhead), and the hot rate holds. "
            "nginx keeps no file cache: its line is the floor.", "",
            f"- command: `{args.command}`", f"- {args.pinning}", f"- settings: {args.settings}",
            f"- versions: {args.versions}", "", "Goals (issue 17):", "", *scale_goals.lines(goals(values)), "",
            summary(values, servers), ""]
    if drew:
        text += [f"![RSS against files fetched]({os.path.basename(args.chart)})", ""]
    text += ["RSS after each slice of the first pass (MiB):", "",
             "| files fetched | " + " | ".join(servers) + " |", "|---:|" + "---:|" * len(servers)]
    rows = sorted({n for s in servers for n, _ in curve(values, s)})
    for n in rows:
        cells = [fmt(dict(curve(values, s)).get(n)) for s in servers]
        text.append(f"| {n:,} | " + " | ".join(cells) + " |")
    open(args.out, "w").write("\n".join(text) + "\n")
    scale_goals.write(args.goals, "static", goals(values))
    if args.readme:
        scaling_readme.replace(args.readme, "static", readme_block(values, servers))


if __name__ == "__main__":
    main()
