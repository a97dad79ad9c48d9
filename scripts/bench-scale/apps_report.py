#!/usr/bin/env python3
"""The apps scaling row's report (scripts/bench-scale/apps.sh): cost against N apps, container and Tomcat.

Reads the samples (N, server, round, metric, value; tab-separated), writes the Markdown report with
the medians of each (N, server), the ratios container / Tomcat and the issue 17 goals at the largest
N, a gnuplot chart (start-up time and memory against N), and with --readme replaces the block
between <!-- scale-apps:begin --> and <!-- scale-apps:end --> of README.md's "### Scaling" section
(made after the <!-- bench:end --> line when absent). Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
from collections import defaultdict

import scale_goals
import scaling_readme

SERVERS = ["container", "tomcat"]
METRICS = [
    # key, heading, unit scale, format
    ("ready_ms", "every app answering (s)", 1 / 1000, "{:.2f}"),
    ("cpu_start_ms", "start-up CPU (s)", 1 / 1000, "{:.2f}"),
    ("rss_start_mib", "RSS after start (MiB)", 1, "{:.0f}"),
    ("rss_round_mib", "RSS after a round (MiB)", 1, "{:.0f}"),
]
GOALS = {"ready_ms": 0.6, "rss_round_mib": 0.8}
BEGIN, END = "<!-- scale-apps:begin -->", "<!-- scale-apps:end -->"


def read(path):
    samples = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                n, server, _round, metric, value = parts
                samples[(int(n), server, metric)].append(float(value))
    return samples


def median(samples, n, server, metric):
    values = samples.get((n, server, metric))
    return statistics.median(values) if values else None


def table(samples, counts):
    head = ["N"]
    for _key, heading, _scale, _fmt in METRICS:
        head += [f"{heading}: container", "Tomcat", "ratio"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in counts:
        row = [str(n)]
        for key, _heading, scale, fmt in METRICS:
            c, t = median(samples, n, "container", key), median(samples, n, "tomcat", key)
            row.append(fmt.format(c * scale) if c is not None else "–")
            row.append(fmt.format(t * scale) if t is not None else "–")
            row.append(f"{c / t:.2f}×" if c is not None and t else "–")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def goals(samples, counts):
    """(key, goal, measured, met) at the largest N, for the report and scale_goals."""
    n = max(counts)
    out = []
    for key, limit in GOALS.items():
        c, t = median(samples, n, "container", key), median(samples, n, "tomcat", key)
        heading = dict((m[0], m[1]) for m in METRICS)[key]
        text = f"{heading} at N = {n} ≤ {limit}× Tomcat's"
        if c is None or not t:
            out.append((f"apps.{key}", text, "not measured", None))
        else:
            out.append((f"apps.{key}", text, f"{c / t:.2f}×", c / t <= limit))
    return out


def chart(samples, counts, png):
    if not shutil.which("gnuplot"):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "apps.dat")
        with open(data, "w") as f:
            for server in SERVERS:
                f.write(f"# {server}: N ready_s rss_start rss_round cpu_s\n")
                for n in counts:
                    values = [median(samples, n, server, k) for k in ("ready_ms", "rss_start_mib", "rss_round_mib", "cpu_start_ms")]
                    if None in values:
                        continue
                    f.write(f"{n} {values[0] / 1000:.3f} {values[1]:.1f} {values[2]:.1f} {values[3] / 1000:.3f}\n")
                f.write("\n\n")
        colours = {"container": "#4e79a7", "tomcat": "#f28e2b"}
        xtics = ", ".join(str(n) for n in counts)

        def plot(column, what):
            return ", ".join(f"'{data}' index {j} using 1:{column} with linespoints lw 2 pt 7 lc rgb '{colours[s]}' "
                             f"title '{s} {what}'" for j, s in enumerate(SERVERS))

        script = f"""
set terminal pngcairo size 1200,500 font 'DejaVu Sans,11'
set output '{png}'
set multiplot layout 1,2 title "Cost against the number of apps (Spring MVC + JSP WARs), container and Tomcat 10.1"
set xtics ({xtics})
set grid
set key top left
set xlabel "apps (N)"
set ylabel "seconds"
set title "every app answering; start-up CPU (dashed)"
plot {plot(2, "ready")}, {", ".join(f"'{data}' index {j} using 1:5 with linespoints dt 2 lw 2 pt 6 lc rgb '{colours[s]}' title '{s} CPU'" for j, s in enumerate(SERVERS))}
set ylabel "MiB"
set title "RSS after start (dashed) and after a round of requests"
plot {plot(4, "after a round")}, {", ".join(f"'{data}' index {j} using 1:3 with linespoints dt 2 lw 2 pt 6 lc rgb '{colours[s]}' title '{s} after start'" for j, s in enumerate(SERVERS))}
unset multiplot
"""
        result = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stderr)
            return False
    return True


def readme_block(samples, counts, report_name, png_name, command):
    lines = [BEGIN, "#### Apps: N WARs in one server",
             "",
             f"Time until every app answers, start-up CPU and RSS for N generated Spring MVC + JSP WARs, against a "
             f"stock Tomcat 10.1 with the same WARs in `webapps/` (`{command}`, "
             f"[`docs/bench/{report_name}`](docs/bench/{report_name})); ratio = container ÷ Tomcat, lower is better.",
             ""]
    lines += table(samples, counts)
    lines += [""] + scale_goals.lines(goals(samples, counts)) + ["", f"![cost against N apps](docs/bench/{png_name})", END]
    return lines


def update_readme(path, block):
    scaling_readme.replace(path, "apps", "\n".join(block[1:-1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chart", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--pinning", default="")
    ap.add_argument("--versions", default="")
    ap.add_argument("--readme")
    ap.add_argument("--goals", help="also write the goals here, for the full run's report (scale_goals)")
    args = ap.parse_args()
    samples = read(args.results)
    counts = sorted({n for (n, _s, _m) in samples})
    if not counts:
        raise SystemExit("apps_report: no samples in " + args.results)
    has_chart = chart(samples, counts, args.chart)
    rounds = max(len(v) for v in samples.values())
    failures = {k: v for k, v in samples.items() if k[2] == "round_failures" and sum(v) > 0}
    md = ["# Apps scaling: N WARs in one server, container against Tomcat 10.1", "",
          f"Command: `{args.command}`  ", f"Versions: {args.versions}  ", f"Pinning: {args.pinning}  ",
          f"Samples: {rounds} start(s) per N and server, medians shown; ratio = container ÷ Tomcat (lower is better).",
          "",
          "Each WAR: a servlet, a JSP and a Spring MVC app (spring-webmvc and its jars in WEB-INF/lib; Spring's",
          "ServletContainerInitializer finds a WebApplicationInitializer that starts a DispatcherServlet with an",
          "@EnableWebMvc configuration and one @RestController). container: `java -jar container.jar run --war ... "
          "--metrics off`; Tomcat: the distribution from Maven Central, `bin/catalina.sh run`, its webapps/ holding",
          "only these WARs. \"Every app answering\": launch until each app's Spring MVC path has answered 200. RSS after",
          "a round: after one request to each app's servlet, controller and JSP (compiled then).", ""]
    md += table(samples, counts) + [""] + ["Goals (issue 17):"] + scale_goals.lines(goals(samples, counts)) + [""]
    if failures:
        md += ["Requests that did not answer 200 in the round: "
               + ", ".join(f"{s} N={n}: {int(sum(v))}" for (n, s, _m), v in failures.items()), ""]
    md += [f"![cost against N apps]({os.path.basename(args.chart)})" if has_chart else "(No chart: gnuplot is not installed.)", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(md))
    scale_goals.write(args.goals, "apps", goals(samples, counts))
    if args.readme:
        update_readme(args.readme, readme_block(samples, counts, os.path.basename(args.out),
                                                os.path.basename(args.chart), args.command))


if __name__ == "__main__":
    main()
