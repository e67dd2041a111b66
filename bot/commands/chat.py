"""`cuntong chat`: talk to the bot in the terminal, to try it without WeChat or a phone.

By default it talks to a running service (`cuntong serve`) through the REST channel
(`--url`, default http://127.0.0.1:8000). `--local` runs everything in this process
against DATABASE_URL instead, no server needed. Numbered options are shown as [1] 确认;
type the number to choose. End with Ctrl-D or "/quit".
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from channels.rest import WEBHOOK_PATH

if TYPE_CHECKING:
    from bot.runtime import Runtime

QUIT = ("/quit", "/exit", "quit", "exit")
BOT = "村通："


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("chat", help="在终端里和村通小助手对话（REST 渠道）")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="运行中的服务地址")
    parser.add_argument("--sender", default=None, help="发送方编号（默认随机，同一编号可接着上次的对话）")
    parser.add_argument(
        "--local", action="store_true", help="不连服务，直接在本进程运行（使用 DATABASE_URL）"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # keep the conversation readable
    sender = args.sender or f"chat-{secrets.token_hex(3)}"
    if args.local:
        return asyncio.run(chat_local(sender, sys.stdin, sys.stdout))
    return chat_remote(args.url, sender, sys.stdin, sys.stdout)


def next_line(stdin: TextIO, stdout: TextIO) -> str | None:
    """The citizen's next non-empty line (None at the end); a prompt only when a person types."""
    while True:
        if stdin.isatty():
            stdout.write("你：")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() in QUIT:
            return None
        if line.strip():
            return line.strip()


def show(replies: Iterable[dict[str, Any]], stdout: TextIO) -> None:
    for reply in replies:
        stdout.write(f"{BOT}{reply.get('text', '')}\n")
        buttons = reply.get("buttons") or []
        if buttons:
            stdout.write("      " + "  ".join(f"[{b['payload']}] {b['title']}" for b in buttons) + "\n")
    stdout.flush()


def chat_remote(
    url: str, sender: str, stdin: TextIO, stdout: TextIO, *, client: httpx.Client | None = None
) -> int:
    endpoint = url.rstrip("/") + WEBHOOK_PATH
    with client or httpx.Client(timeout=30.0) as client:
        while (text := next_line(stdin, stdout)) is not None:
            try:
                response = client.post(endpoint, json={"sender": sender, "message": text})
                response.raise_for_status()
            except httpx.HTTPError as exc:
                hint = f"无法连接 {url}：{exc}。请先运行 cuntong serve，或加 --local 在本进程运行。"
                print(hint, file=sys.stderr)  # noqa: T201
                return 2
            show(response.json(), stdout)
    return 0


async def chat_local(sender: str, stdin: TextIO, stdout: TextIO, *, runtime: Runtime | None = None) -> int:
    """The whole bot in this process (DATABASE_URL, migrated and seeded when empty)."""
    from bot import dialog_runtime, nlu_runtime
    from bot.config import load_settings
    from bot.processor import Processor, encode
    from bot.runtime import build_runtime
    from channels.messages import Message

    own = runtime is None
    runtime = runtime or build_runtime(load_settings())
    nlu_runtime.attach(runtime)
    dialog_runtime.attach(runtime)
    processor: Processor = runtime.extras["processor"]
    try:
        while (text := await asyncio.to_thread(next_line, stdin, stdout)) is not None:
            message = Message(channel="rest", sender=sender, text=text, received_at=datetime.now(UTC))
            replies = await processor.handle(message)
            show([encode(r) for r in replies], stdout)
    finally:
        if own:
            await runtime.extras["state_store"].close()
            runtime.engine.dispose()
    return 0
