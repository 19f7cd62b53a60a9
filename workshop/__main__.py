"""``python -m workshop COMMAND``: the coordination office's tools (``--help`` lists them).

Serving stays in ``run.py``, which must monkey-patch before anything else is imported.
"""

from __future__ import annotations

import argparse
import sys

from .console import admin, backup, database, export


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m workshop",
        description="Export, back up, restore and clean up workshops; migrate the database.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (export, backup, admin, database):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
