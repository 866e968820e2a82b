#!/usr/bin/env python3
"""README.ja.md stays in step with README.md: the same sections in the same order, the same
commands and code, the same tables (row counts and first columns: commands, flags), and the
same links. A section, command, flag or link added to one README and not the other fails here.
The comments in shell blocks and the right-hand column of the layout block are prose, so they
may be translated; everything else in code blocks must be identical.
"""

import os
import re
import sys

SOURCE_DIR = os.path.abspath(os.environ.get("SOURCE_DIR", os.getcwd()))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lambda"))
from harnesslib import Runner  # noqa: E402


def read(name):
    with open(os.path.join(SOURCE_DIR, name), encoding="utf-8") as f:
        return f.read()


def parse(text):
    """Headings, code blocks, tables and links of a Markdown text."""
    headings, blocks, tables, links = [], [], [], []
    lines = text.split("\n")
    i = 0
    table = None
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^```(\w*)\s*$", line)
        if fence:
            lang, body = fence.group(1), []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((lang, body))
            i += 1
            continue
        m = re.match(r"^(#{1,6}) ", line)
        if m:
            headings.append(len(m.group(1)))
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if table is None:
                table = {"header": cells, "rows": []}
                tables.append(table)
            elif not re.match(r"^[-: ]+$", "".join(cells)):
                table["rows"].append(cells)
        else:
            table = None
        links += re.findall(r"\]\(([^)\s]+)\)", line)
        i += 1
    return headings, blocks, tables, links


def code_words(lang, body):
    """What must not be translated in a code block."""
    if lang == "sh":
        return [re.sub(r"\s+#.*$", "", ln).rstrip() for ln in body]
    if lang == "":
        # The layout block: the path column, as wide as the first line's.
        m = re.match(r"^\S.*?\s{2,}", body[0]) if body else None
        width = m.end() if m else 0
        return [ln[:width].strip() for ln in body]
    return body


def main():
    r = Runner("README.ja.md is in step with README.md")
    en_text, ja_text = read("README.md"), read("README.ja.md")
    en, ja = parse(en_text), parse(ja_text)
    r.check("README.ja.md is Japanese", len(re.findall(r"[\u3040-\u30ff]", ja_text)) > 500)
    r.check("README.md links to README.ja.md", "](README.ja.md)" in en_text)
    r.check("README.ja.md links to README.md", "](README.md)" in ja_text)
    r.eq("the same sections, in order (heading levels)", ja[0], en[0])
    r.check("has the Deploy to AWS section in both",
            "## Deploy to AWS" in en_text and "## AWS へのデプロイ" in ja_text)
    r.eq("the same number of code blocks", len(ja[1]), len(en[1]))
    for k, ((la, a), (lb, b)) in enumerate(zip(en[1], ja[1])):
        r.eq("code block %d (%s): the same commands and code" % (k + 1, la or "text"),
             code_words(lb, b), code_words(la, a))
    r.eq("the same number of tables", len(ja[2]), len(en[2]))
    for k, (a, b) in enumerate(zip(en[2], ja[2])):
        r.eq("table %d: the same rows" % (k + 1), len(b["rows"]), len(a["rows"]))
        first = lambda rows: [row[0] if "`" in row[0] else "(prose)" for row in rows]  # noqa: E731
        r.eq("table %d: the same first column (commands, flags)" % (k + 1), first(b["rows"]),
             first(a["rows"]))
        r.eq("table %d: the same code in every cell" % (k + 1),
             [re.findall(r"`[^`]+`", " ".join(row)) for row in b["rows"]],
             [re.findall(r"`[^`]+`", " ".join(row)) for row in a["rows"]])
    others = {"README.md", "README.ja.md"}
    r.eq("the same links", sorted(set(ja[3]) - others), sorted(set(en[3]) - others))
    en_code = sorted(set(re.findall(r"`[^`\n]+`", en_text)))
    ja_code = sorted(set(re.findall(r"`[^`\n]+`", ja_text)))
    r.eq("the same inline code (commands, options, variables)",
         [c for c in ja_code if c not in en_code], [])
    r.eq("no inline code of README.md missing from README.ja.md",
         [c for c in en_code if c not in ja_code], [])
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
