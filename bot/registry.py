"""Explicit registries: which routers the app mounts, which CLI commands exist, and which
start-up hooks attach their objects to the runtime (STYLE.md §5).

Entries are dotted module paths so that `cuntong --help` does not import the whole
service; every listed module must exist.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# module with `router: APIRouter`
ROUTERS: tuple[str, ...] = (
    "bot.routes.health",
    "bot.routes.places",
    "bot.routes.bus",
    "bot.routes.journeys",
    "bot.routes.disruptions",
    "bot.routes.bookings",
    "bot.routes.shuttle_signups",
    "bot.routes.parcels",
    "bot.routes.complaints",
    "bot.routes.dispatch",
    "bot.routes.dispatch_board",
    "bot.routes.nlu",
    "bot.routes.sms_reports",
    "bot.console.routes",
)

# command name -> module with `register(subparsers)`
COMMANDS: dict[str, str] = {
    "serve": "bot.commands.serve",
    "seed": "bot.commands.seed",
    "gtfs": "bot.commands.gtfs",
    "nlu": "bot.commands.nlu",
    "agents": "bot.commands.agents",
    "worker": "bot.commands.worker",
    "chat": "bot.commands.chat",
}

# channel name -> "module:InputClass"; the class has `from_settings(settings)` and
# `router(on_message: OnMessage) -> APIRouter` (STYLE.md §2, §10)
CHANNELS: dict[str, str] = {
    "wechat": "channels.wechat:WeChatInput",
    "sms": "channels.sms:SmsInput",
    "sms_cn": "channels.sms_domestic:DomesticSmsInput",
    "voice": "channels.voice:VoiceInput",
    "rest": "channels.rest:RestInput",
    "web": "channels.webchat:WebChatInput",
}

# modules with `attach(runtime)` (build objects at start-up) and optional `detach(runtime)`
RUNTIME_HOOKS: tuple[str, ...] = (
    "bot.outbound.hook",
    "bot.nlu_runtime",
    "bot.dialog_runtime",
    "bot.webchat",
)


def load(path: str) -> ModuleType:
    return importlib.import_module(path)


def load_attr(path: str) -> object:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)
