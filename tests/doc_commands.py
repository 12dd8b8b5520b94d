"""The `nicmodel ...` commands a document shows: its code blocks' lines (continued lines joined, a
`$ ` prompt and a trailing `# comment` dropped) and its inline examples that name a bundled file.
Shared by the README's test and the docs' test; pure text handling, no nicmodel import."""

from __future__ import annotations

import glob
import re
import shlex

BUNDLED = re.compile(r"(pipelines/|optical-\d+)")


def commands(text: str, inline: bool = True) -> list[str]:
    """Each command once, in the order the document gives them; ``inline``: also the examples in
    running text (in the docs they often record how a past fit was run, not a step to take)."""
    out = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        current = ""
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            if current:
                current += " " + line
            elif line.startswith("nicmodel ") or " && nicmodel " in line:
                current = line.split(" && ", 1)[-1]
            else:
                continue
            if current.endswith("\\"):  # a continued line
                current = current[:-1].rstrip()
            elif _open_quote(current):  # a quoted argument running onto the next line
                continue
            else:
                out.append(current)
                current = ""
    for example in re.findall(r"`(nicmodel [^`]+)`", text) if inline else []:
        example = " ".join(example.split())  # an inline example may wrap across lines
        if BUNDLED.search(example) and not example.endswith("..."):
            out.append(example)
    return list(dict.fromkeys(out))


def _open_quote(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
    except ValueError:
        return True
    return False


def argv(command: str) -> list[str]:
    """The command's arguments after `nicmodel`, as a shell would give them: comments dropped, `{a,b}` brace
    lists expanded (one level, as the docs write them) and `*` patterns matched in the working folder."""
    words = shlex.split(command, comments=True)[1:]
    expanded = []
    for word in words:
        m = re.fullmatch(r"(.*)\{([^{}]*,[^{}]*)\}(.*)", word)
        expanded += [f"{m[1]}{part}{m[3]}" for part in m[2].split(",")] if m else [word]
    return [match for word in expanded for match in (sorted(glob.glob(word)) or [word] if "*" in word else [word])]


def placeholders(command: str) -> bool:
    """Whether the command holds a placeholder for the reader to fill (`<gpu>`, `N`, `...`)."""
    return bool(re.search(r"<[a-z_]+>|\.\.\.|\|", command))

