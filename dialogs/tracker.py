"""Conversation state: what one person and the bot are in the middle of.

A `Tracker` holds the active form (its slots, the question just asked, failed attempts),
forms paused by a switch of task, the numbered options on offer, the linked citizen, a
pending hand-off and the last few turns. It is plain data that round-trips through JSON
(`to_dict` / `from_dict`), so any state store can keep it.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

HISTORY_TURNS = 8
MAX_PAUSED = 3


@dataclass
class Option:
    """One numbered choice: the citizen answers with `key` ("1") or the title."""

    key: str
    title: str
    value: str


@dataclass
class FormState:
    name: str
    slots: dict[str, Any] = field(default_factory=dict)
    requested: str | None = None  # the slot just asked for
    awaiting: str | None = None  # None (a slot) | "confirm" | "correction"
    failures: int = 0  # failed attempts at the current question
    last_filled: list[str] = field(default_factory=list)
    form_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FormState:
        return cls(**data)


@dataclass
class Tracker:
    conversation_id: str
    channel: str
    sender: str
    citizen_id: int | None = None
    active: FormState | None = None
    paused: list[FormState] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    options_for: str | None = None  # "confirm" | "slot" | "menu" | "handoff" | "resume"
    carry: list[dict[str, Any]] = field(default_factory=list)  # entities kept while asking what to do
    failures: int = 0  # failed turns outside any form
    handoff_id: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    turns: int = 0
    last_trip: dict[str, str] | None = None  # the places of the last bus answer (最后一班几点 follows it)

    @classmethod
    def new(cls, *, conversation_id: str, channel: str, sender: str) -> Tracker:
        return cls(conversation_id=conversation_id, channel=channel, sender=sender)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tracker:
        values = dict(data)
        active = values.pop("active", None)
        paused = values.pop("paused", [])
        options = values.pop("options", [])
        return cls(
            **values,
            active=FormState.from_dict(active) if active else None,
            paused=[FormState.from_dict(p) for p in paused],
            options=[Option(**o) for o in options],
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    # -- options -----------------------------------------------------------------
    def offer(self, options: list[Option], *, purpose: str) -> None:
        self.options = options
        self.options_for = purpose

    def clear_options(self) -> None:
        self.options = []
        self.options_for = None

    def choose(self, text: str) -> Option | None:
        """The option a bare answer picks: its number (1, １, 一, 第一个) or its title."""
        answer = text.strip().strip("。.!！ ")
        answer = _ORDINALS.get(answer, answer)
        for option in self.options:
            if answer in (option.key, option.title):
                return option
        return None

    # -- forms -------------------------------------------------------------------
    def start(self, name: str, slots: dict[str, Any] | None = None) -> FormState:
        if self.active is not None:
            self.pause()
        self.active = FormState(name=name, slots=dict(slots or {}))
        self.clear_options()
        return self.active

    def pause(self) -> None:
        if self.active is None:
            return
        self.paused = [p for p in self.paused if p.name != self.active.name][-(MAX_PAUSED - 1) :]
        self.paused.append(self.active)
        self.active = None

    def finish(self) -> FormState | None:
        """End the active form; the most recently paused one (if any) becomes active again.
        Options the form offered as its answer (purpose "menu": what to do next) stay on offer."""
        self.active = None
        if self.options_for != "menu":
            self.clear_options()
        if self.paused:
            self.active = self.paused.pop()
            return self.active
        return None

    def reset(self) -> None:
        self.active = None
        self.paused = []
        self.carry = []
        self.failures = 0
        self.clear_options()

    def remember(self, *, user: str, intent: str | None, bot: list[str]) -> None:
        self.turns += 1
        self.history.append({"user": user, "intent": intent, "bot": bot})
        del self.history[:-HISTORY_TURNS]


_ORDINALS = {
    "１": "1", "２": "2", "３": "3", "４": "4", "５": "5", "６": "6", "７": "7", "８": "8", "９": "9", "０": "0",
    "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "零": "0",
    "第一个": "1", "第二个": "2", "第三个": "3", "第四个": "4", "第五个": "5", "第六个": "6",
    "第一": "1", "第二": "2", "第三": "3", "第四": "4", "第五": "5", "第六": "6",
}  # fmt: skip
