"""Issue 17's goals as each scaling row's report reads them off its own figures, written to a small
TSV (row, key, goal, measured, met) that the full run's report (scripts/bench-report) gathers into
its targets table. met is "yes", "no" or "" (not measured). Standard library only."""


def write(path, row, goals):
    """goals: (key, goal text, measured text, met: True, False or None)."""
    if not path:
        return
    with open(path, "w") as f:
        for key, text, measured, met in goals:
            flag = "" if met is None else ("yes" if met else "no")
            f.write("\t".join((row, key, text, measured, flag)) + "\n")


def read(path):
    goals = []
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 5:
            goals.append(tuple(parts))
    return goals


def lines(goals):
    """The goals as a Markdown list, for a row's own report."""
    verdict = {True: "**met**", False: "**missed**", None: "not measured"}
    return [f"- {text}: {measured} ({verdict[met]})" for _key, text, measured, met in goals]
