"""`cuntong worker`: send outbound messages (notices, late WeChat answers) from the queue.

With REDIS_URL set this is how messages leave: run one or more of these next to
`cuntong serve`. Jobs a crashed worker left half-done are put back first, rows that are
due are swept onto the queue every few seconds, and Ctrl-C / SIGTERM stops cleanly after
the message in hand. Without REDIS_URL it works from the database alone (the web process
then also sends, which is harmless: every row is claimed before it is sent).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType

from bot.config import load_settings
from bot.outbound.commit_listener import CommitListener
from bot.outbound.setup import build_queue, build_senders, configure_policy
from bot.outbound.worker import OutboundWorker
from bot.runtime import build_runtime

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("worker", help="发送外呼消息（通知、微信延迟回复），需与 serve 一起运行")
    parser.add_argument("--sweep-every", type=float, default=5.0, help="多久检查一次到期的消息（秒）")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    runtime = build_runtime(settings)
    configure_policy(settings)
    queue = build_queue(settings)
    recover = getattr(queue, "recover", None)
    if recover is not None:
        logger.info("re-queued %s unfinished jobs", recover())
    CommitListener(runtime.sessions, queue).install()
    worker = OutboundWorker(
        unit_of_work=runtime.unit_of_work,
        queue=queue,
        senders=build_senders(settings),
        sweep_every=args.sweep_every,
    )
    stopped = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: stopping after the current message", signum)
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("outbound worker started (%s queue)", "Redis" if settings.redis_url else "in-process")
    worker.start()
    while not stopped.wait(1.0):
        pass
    worker.stop()
    queue.close()
    return 0
