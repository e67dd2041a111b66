"""`cuntong serve`: migrate, seed an empty database, make sure the NLU model is trained,
then serve HTTP with uvicorn in one process or in `--workers N` processes.

Everything that must happen once happens here, in the parent, before any worker starts:
the database is checked, migrated and seeded, and the NLU model is trained when missing
(the workers only load it). With `--workers N` (N > 1, REDIS_URL required because
conversation state, de-duplication and sender locks are shared) uvicorn's supervisor
starts N processes that accept on one shared socket and replaces any that die; each
builds its own runtime without touching the schema. "ready" is logged only when every
process has finished its start-up and the port accepts connections. Outbound messages are
sent by `cuntong worker` when REDIS_URL is set, else by a thread of this process.
"""

from __future__ import annotations

import argparse
import logging
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from bot.app import create_app
from bot.config import load_settings
from bot.nlu_runtime import load_pipeline
from bot.runtime import build_runtime
from bot.startup_checks import require_shared_state

logger = logging.getLogger(__name__)

WORKER_APP = "bot.app:create_worker_app"
WORKER_START_TIMEOUT_SECONDS = 120.0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="启动服务（渠道、运营接口、控制台）",
        description="启动服务。迁移数据库、空库时载入试点县、训练 NLU 模型（缺少时）都只做一次，然后开始监听。",
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对外服务用 0.0.0.0）")
    parser.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="进程数（默认 1；多于 1 个时必须设置 REDIS_URL），建议等于 CPU 核数",
    )
    parser.add_argument(
        "--access-log", action="store_true", help="每个请求记一行日志（默认不记，反向代理已记录）"
    )
    parser.set_defaults(func=run)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"至少 1 个进程，收到 {value}")
    return number


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    require_shared_state(settings, args.workers)
    runtime = build_runtime(settings)  # checks, migrates and seeds, once
    pipeline = load_pipeline(settings.nlu_model_path)  # trains when missing, once
    where = f"http://{args.host}:{args.port}"
    if args.workers == 1:
        config = uvicorn.Config(
            create_app(runtime=runtime),
            host=args.host,
            port=args.port,
            log_level="info",
            access_log=args.access_log,
        )
        server = ReadyServer(config)
        server.ready_message = f"ready: serving on {where} (1 process, API docs at /docs)"
        server.run()
        return 0
    del pipeline
    runtime.engine.dispose()  # the workers open their own connections
    config = uvicorn.Config(
        WORKER_APP,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        access_log=args.access_log,
        timeout_worker_healthcheck=30,
    )
    supervisor = Supervisor(config, sockets=[config.bind_socket()])
    supervisor.ready_message = f"ready: serving on {where} ({args.workers} processes, API docs at /docs)"
    supervisor.run()
    return 0


class ReadyServer(uvicorn.Server):
    """A uvicorn server that logs `ready_message` once it is listening with the app started."""

    ready_message = "ready"

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            logger.info(self.ready_message)


class Supervisor(Multiprocess):
    """uvicorn's worker supervisor, logging `ready_message` once every worker serves."""

    ready_message = "ready"

    def init_processes(self) -> None:
        super().init_processes()
        for process in self.processes:
            if not process.wait_until_ready(WORKER_START_TIMEOUT_SECONDS, self.should_exit):
                logger.error("worker process %s did not start; see its log above", process.pid)
                return
        logger.info(self.ready_message)
