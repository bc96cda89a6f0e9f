"""Write the README's CLI reference from the commands' own --help, so the two never drift.

``python scripts/cli_reference.py`` rewrites the block between the reference markers in
README.md; ``--check`` exits 1 when the README is out of date (the tests run that check).
"""

from __future__ import annotations

import argparse
import os
import sys

import click

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from gdanim.cli import cli  # noqa: E402

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"


def reference() -> str:
    """Markdown: one section per command with its --help text."""
    parts = [START, ""]
    ctx = click.Context(cli, info_name="gdanim", terminal_width=100, max_content_width=100)
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        assert cmd is not None
        sub = click.Context(cmd, info_name=name, parent=ctx, terminal_width=100,
                            max_content_width=100)  # fmt: skip
        parts += [f"### `gdanim {name}`", "", "```text", cmd.get_help(sub), "```", ""]
    parts.append(END)
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args()
    path = os.path.join(ROOT, "README.md")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = head + reference() + tail
    if args.check:
        if new != text:
            print("README.md: the CLI reference is out of date; run scripts/cli_reference.py")
            sys.exit(1)
        return
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(new)


if __name__ == "__main__":
    main()
