"""`cuntong agents`: console accounts for customer-service agents and supervisors.

    cuntong agents add USERNAME --role agent|supervisor [--name 姓名] [--password-stdin]
    cuntong agents list
    cuntong agents passwd USERNAME [--password-stdin]
    cuntong agents unlock USERNAME
    cuntong agents disable USERNAME | enable USERNAME

The password is asked twice at the terminal (never echoed), or read from the first line
of standard input with --password-stdin (for scripts). A refusal prints one line and
exits with status 1; nothing is written then.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.orm import Session

from backend.errors import BackendError
from backend.localtime import to_local
from backend.services.agents import accounts as service
from backend.services.agents import roster
from backend.services.agents import sessions as console_sessions
from bot.config import load_settings
from bot.runtime import build_runtime


class CommandError(Exception):
    """A problem with how the command was called."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("agents", help="管理坐席控制台账号（坐席、班长）")
    commands = parser.add_subparsers(dest="agents_command", required=True, metavar="ACTION")
    add = commands.add_parser("add", help="新建账号")
    add.add_argument("username", help="登录账号：小写字母、数字、. _ -")
    add.add_argument(
        "--role", choices=("agent", "supervisor"), default="agent", help="agent 坐席 / supervisor 班长"
    )
    add.add_argument("--name", help="显示的姓名，如 陈丽")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取密码")
    commands.add_parser("list", help="列出账号")
    passwd = commands.add_parser("passwd", help="重设密码（会退出该账号所有登录）")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取密码")
    for name, text in (("unlock", "解除锁定"), ("disable", "停用账号"), ("enable", "启用账号")):
        one = commands.add_parser(name, help=text)
        one.add_argument("username")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        password = _password(args) if args.agents_command in ("add", "passwd") else None
        runtime = build_runtime(load_settings().model_copy(update={"seed_on_empty": False}))
        with runtime.unit_of_work() as session:
            message = _apply(session, args, password)
    except (BackendError, CommandError) as exc:
        print(f"错误：{exc}", file=sys.stderr)  # noqa: T201
        return 1
    if message:
        print(message)  # noqa: T201
    return 0


def _apply(session: Session, args: argparse.Namespace, password: str | None) -> str:
    command = args.agents_command
    if command == "add":
        assert password is not None
        agent = service.create_agent(
            session, username=args.username, password=password, role=args.role, display_name=args.name
        )
        service.record_action(session, agent="cli", action="agent_created", target=f"agent:{agent.username}")
        return f"已创建{service.ROLE_LABELS[agent.role]}账号 {agent.username}（{agent.display_name}）"
    if command == "list":
        lines = []
        for agent in service.list_agents(session, active_only=False):
            state = "停用" if not agent.active else ("锁定中" if agent.locked_until else "正常")
            last = (
                to_local(agent.last_sign_in_at).strftime("%Y-%m-%d %H:%M")
                if agent.last_sign_in_at
                else "从未登录"
            )
            lines.append(
                f"{agent.username}\t{agent.display_name}\t{service.ROLE_LABELS[agent.role]}\t{state}\t{last}"
            )
        return "\n".join(lines) or "还没有账号。用 cuntong agents add USERNAME --role agent 新建。"
    if command == "passwd":
        assert password is not None
        agent = service.set_password(session, username=args.username, password=password)
        console_sessions.end_sessions_of(session, agent_id=agent.id)
        service.record_action(session, agent="cli", action="password_set", target=f"agent:{agent.username}")
        return f"已重设 {agent.username} 的密码"
    if command == "unlock":
        agent = service.unlock_agent(session, username=args.username)
        service.record_action(session, agent="cli", action="agent_unlocked", target=f"agent:{agent.username}")
        return f"已解除 {agent.username} 的锁定"
    if command == "enable":
        agent = roster.enable_agent(session, username=args.username)
    else:  # signed out everywhere, their conversations back in the queue, as in the console
        agent = roster.disable_agent(session, username=args.username, by="cli").agent
    service.record_action(session, agent="cli", action=f"agent_{command}d", target=f"agent:{agent.username}")
    return f"已{'启用' if agent.active else '停用'} {agent.username}"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise CommandError("标准输入里没有密码")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("不在终端里运行：请用 --password-stdin 从标准输入传入密码")
    first = getpass.getpass("密码：")
    second = getpass.getpass("再输一遍：")
    if first != second:
        raise CommandError("两次输入的密码不一样")
    return first
