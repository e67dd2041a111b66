"""`cuntong`: the one console script. Sub-commands come from `bot.registry.COMMANDS`.

A configuration problem prints one line (naming the variable) and exits with status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot import log_privacy, registry
from bot.config import LOG_FORMAT, SettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cuntong", description="村通：农村出行与寄递对话服务")
    parser.add_argument("-v", "--verbose", action="store_true", help="更详细的日志")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for path in registry.COMMANDS.values():
        registry.load(path).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format=LOG_FORMAT,
        stream=sys.stderr,
    )
    log_privacy.install()
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)  # noqa: T201
        return 2


if __name__ == "__main__":
    sys.exit(main())
