"""The ``crmlab`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmlab import course
from crmlab.errors import CrmlabError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crmlab", description="CRM analytics course and tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("refresh", help="re-execute notebooks in place (deterministic outputs for nbval)")
    p.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")

    args = parser.parse_args(argv)
    try:
        if args.command == "refresh":
            for path in args.notebooks or course.notebooks():
                print(f"executing {path}", flush=True)
                course.execute(Path(path))
    except CrmlabError as exc:
        print(f"crmlab: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
