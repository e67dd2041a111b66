"""`cuntong serve`: migrate, seed an empty database, then serve HTTP with uvicorn."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from bot.app import create_app
from bot.config import load_settings
from bot.runtime import build_runtime

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="启动服务（渠道、运营接口、控制台）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    runtime = build_runtime(settings)
    logger.info("serving on http://%s:%s (API docs at /docs)", args.host, args.port)
    uvicorn.run(create_app(runtime=runtime), host=args.host, port=args.port, log_level="info")
    return 0
