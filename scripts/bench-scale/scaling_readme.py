"""The README's "### Scaling" section, shared by the scaling rows' reports: each row keeps its own
block between <!-- scale-ROW:begin --> and <!-- scale-ROW:end -->, replaced in place; a row's
first block goes after the others' (the section is made at the end of "## Performance" when it
is missing). Standard library only."""
import re


def replace(readme, row, block):
    """Puts block (text, without the markers) between row's markers in the file readme."""
    text = open(readme).read()
    begin, end = f"<!-- scale-{row}:begin -->", f"<!-- scale-{row}:end -->"
    body = f"{begin}\n{block.strip()}\n{end}"
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: body, text, flags=re.S)
    else:
        if "### Scaling" not in text:
            anchor = text.index("<!-- bench:end -->")
            after = re.search(r"^## ", text[anchor:], flags=re.M)
            at = anchor + after.start() if after else len(text)
            text = (text[:at] + "### Scaling\n\nWhat each added app, name or connection costs (issue 17), measured"
                    " side by side.\n\n" + text[at:])
        heading = text.index("### Scaling")
        cut = text.index("\n", heading) + 1
        # after the other rows' blocks, if any
        section_end = re.search(r"^##? ", text[cut:], flags=re.M)
        limit = cut + section_end.start() if section_end else len(text)
        ends = list(re.finditer(r"<!-- scale-[\w-]+:end -->\n", text[cut:limit]))
        if ends:
            cut += ends[-1].end()
            text = text[:cut] + "\n" + body + "\n" + text[cut:]
        else:  # the first block: after the section's introduction
            text = text[:limit].rstrip("\n") + "\n\n" + body + "\n\n" + text[limit:]
    open(readme, "w").write(text)
