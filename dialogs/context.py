"""One turn's working context: the database session of the turn's unit of work, the
reference time, the tracker, the channel style, and the replies and actions produced so
far. Forms and the policy speak through `say` / `choose`, so every text comes from
`dialogs.texts` in the channel's style and every numbered option is remembered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.models import Citizen
from backend.services.citizens import identities as citizens
from channels.messages import Button, Reply
from dialogs import texts
from dialogs.tracker import Option, Tracker
from dialogs.wording import Style, style_for


@dataclass
class TurnContext:
    session: Session
    now: datetime
    tracker: Tracker
    replies: list[Reply] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    _citizen: Citizen | None = field(default=None, repr=False)
    _prefix: str = field(default="", repr=False)
    fallback: bool = False  # the turn went nowhere (not understood): channels may count it
    provider: str | None = None  # the domestic SMS provider the message came through (aliyun, tencent)

    @property
    def channel(self) -> str:
        return self.tracker.channel

    @property
    def sender(self) -> str:
        return self.tracker.sender

    @property
    def style(self) -> Style:
        return style_for(self.tracker.channel)

    # -- speaking ------------------------------------------------------------------
    def text(self, key: str, **values: Any) -> str:
        return texts.render(key, self.style, **values)

    def say(
        self,
        key: str,
        *,
        card: dict[str, Any] | None = None,
        action: str | None = None,
        **values: Any,
    ) -> None:
        self.say_text(self.text(key, **values), card=card, action=action)

    def say_text(self, text: str, *, card: dict[str, Any] | None = None, action: str | None = None) -> None:
        self.replies.append(Reply(text=self._take_prefix() + text, card=card, action=action))  # type: ignore[arg-type]

    def prefix(self, key: str, **values: Any) -> None:
        """Put a short lead-in (好的，已改为后天。) before the next thing said, in the same reply."""
        self._prefix += self.text(key, **values)

    def choose(self, text: str, options: list[tuple[str, str]], *, purpose: str, first_key: int = 1) -> None:
        """Say `text` with numbered options (title, value); the answer "1" or the title picks one."""
        offered = [
            Option(key=str(first_key + i), title=title, value=value)
            for i, (title, value) in enumerate(options)
        ]
        self.tracker.offer(offered, purpose=purpose)
        buttons = tuple(Button(title=o.title, payload=o.key) for o in offered)
        self.replies.append(Reply(text=self._take_prefix() + text, buttons=buttons))

    def flush_prefix(self) -> None:
        """Say a lead-in that nothing followed."""
        if self._prefix:
            self.say_text("")

    def mark_fallback(self) -> None:
        """Tag a turn that went nowhere with card {"fallback": true} (the hotline counts them)."""
        if self.fallback:
            self.replies = [
                Reply(
                    text=r.text, buttons=r.buttons, card={**(r.card or {}), "fallback": True}, action=r.action
                )
                for r in self.replies
            ]

    def _take_prefix(self) -> str:
        prefix, self._prefix = self._prefix, ""
        return prefix

    def add_option(self, title: str, value: str, *, key: str) -> None:
        """Add one more option (e.g. 0 人工客服) to the last reply's choices."""
        option = Option(key=key, title=title, value=value)
        self.tracker.options.append(option)
        if self.replies:
            last = self.replies[-1]
            self.replies[-1] = Reply(
                text=last.text,
                buttons=(*last.buttons, Button(title=title, payload=key)),
                card=last.card,
                action=last.action,
            )

    def log(self, action: str, **data: Any) -> None:
        self.actions.append({"action": action, "data": data})

    # -- the person ----------------------------------------------------------------
    def citizen(self) -> Citizen:
        """The citizen behind this sender (created on first need), looked up once per turn."""
        if self._citizen is None:
            self._citizen = citizens.citizen_for_sender(
                self.session, channel=self.channel, external_id=self.sender
            )
            self.tracker.citizen_id = self._citizen.id
        return self._citizen

    @property
    def phone_channel(self) -> bool:
        """SMS and the hotline: the sender is their number, vouched for by the carrier."""
        return self.channel in citizens.PHONE_CHANNELS

    def verified_mobile(self) -> str | None:
        """The mobile this sender has proven (or is, on SMS and the phone): the only number
        whose records, parcels and pickup codes they may see."""
        return self.citizen().mobile

    def known_mobile(self) -> str | None:
        """A number to reach the citizen on: the verified one, else a contact typed before."""
        return citizens.contact_number(self.citizen())

    def keep_contact(self, mobile: str) -> None:
        """A typed number: a contact only, unless it is the sender's verified mobile already."""
        if self.citizen().mobile is None:
            citizens.set_contact(self.session, citizen_id=self.citizen().id, mobile=mobile)

    def become(self, citizen: Citizen) -> None:
        """The sender proved a number and is now `citizen` (the number's owner)."""
        self._citizen = citizen
        self.tracker.citizen_id = citizen.id
