"""What the citizen's message means to the dialog: the NLU parse (docs/CONTRACTS.md §1) as a
typed object, plus the few control words the dialog recognises by itself, because they
must work whatever the classifier thinks (取消/算了 abandons, 帮助/菜单 shows the menu,
0 or 转人工 asks for a person, 没有/不清楚 skips an optional question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

TASK_INTENTS = (
    "book_ride", "book_charter", "student_shuttle", "cancel_booking", "change_booking",
    "query_booking", "query_bus", "subscribe_alert", "track_parcel", "send_parcel",
    "complaint", "suggestion", "query_complaint",
)  # fmt: skip
SWITCH_CONFIDENCE = 0.6  # leaving a form half-way needs a clearer signal than starting one
REFUSED_ANSWER_SWITCH = 0.45  # when the asked question refused the message as its answer

_PUNCT = re.compile(r"[\s,，。.!！?？~～、…]+")
_ABANDON_WORD = (
    r"(取消|算了|不要了|不用了|不办了|不订了|不寄了|不投诉了|退出|结束|不弄了|不去了|不坐了|不报了|不报名了|"
    r"不查了|不想订了|不想去了|不想寄了|不订车了|不约了|不需要了|没事了)"
)
# 算了 / 那算了吧 / 算了，不投诉了 / 还是不订了: cancelling words, with a lead-in and particles at most
ABANDON = re.compile(r"(那|那就|那还是|还是|哎|唉|嗯|哦|我|我们|俺|先)*(" + _ABANDON_WORD + r"(吧|啊|了|呀|哈|哦|嘛)*)+")
HELP = re.compile(r"(帮助|菜单|help|menu|主菜单|怎么用|你能做什么|你会什么|有什么功能)", re.I)
HUMAN = re.compile(r"(0|零|转人工|人工|人工客服|找客服|客服|真人)")
SKIP = re.compile(
    r"(没有|没|无|不知道|不清楚|不记得|记不清|忘了|跳过|不用|不需要|不留|不方便|"
    r"都行|都可以|随便|随时|无所谓|什么时候都行|尽快)(了|的|吧)?"
)
# 等一下 / 我找找 / 让我想想: the citizen needs a moment (等会儿 is not here: it is a time, soon)
HOLD = re.compile(
    r"(你|先|那|请)*(等等|等一下|等一等|等下|稍等|稍等一下|我?找找|我?找一下|我?看看|我?看一下|我?想想|让我想想|"
    r"我?问问|我?问一下|我?查查)(啊|哈|吧|哦|呀|我)*"
)
CORRECTION = re.compile(r"^(不对|不是|错了|说错了|搞错了|改一下|改成|改为|换成)")
CANNOT_SAY = re.compile(r"^(不知道|不晓得|不清楚|不方便|不记得|记不清|记不得|忘了|不想说|不愿意说|不告诉)")
# 不去县城了，改去县医院 / 不寄福州了，寄到三明 / 不是8点，是9点: a value taken back and another given
NEGATED = re.compile(r"(不是|不去|不到|不寄|不在|不从|不坐|不要|别去)")
REPLACING = re.compile(r"(不是|不去|不到|不寄|不在|不从|不坐|不要|别去).{1,12}?[了吧]?[，,。;；\s]*(改|换|是|要|去|到|寄|在|从)")


def squeeze(text: str) -> str:
    return _PUNCT.sub("", text or "")


@dataclass(frozen=True)
class Entity:
    entity: str
    value: Any
    start: int = 0
    end: int = 0
    grain: str | None = None


@dataclass(frozen=True)
class Parse:
    text: str
    intent: str = "out_of_scope"
    confidence: float = 0.0
    entities: tuple[Entity, ...] = field(default=())

    @classmethod
    def from_nlu(cls, text: str, result: dict[str, Any]) -> Parse:
        intent = result.get("intent") or {}
        entities = []
        for item in result.get("entities") or []:
            info = item.get("additional_info") or {}
            entities.append(
                Entity(
                    entity=str(item.get("entity")),
                    value=item.get("value"),
                    start=int(item.get("start") or 0),
                    end=int(item.get("end") or 0),
                    grain=info.get("grain") if isinstance(info, dict) else None,
                )
            )
        return cls(
            text=text,
            intent=str(intent.get("name") or "out_of_scope"),
            confidence=float(intent.get("confidence") or 0.0),
            entities=tuple(entities),
        )

    @classmethod
    def plain(cls, text: str, intent: str = "inform") -> Parse:
        """A message taken as it is (a numbered choice, a free-text answer): no NLU run."""
        return cls(text=text, intent=intent, confidence=1.0)

    def relabel(self, entity: Entity, name: str) -> Parse:
        """The same parse with one entity given another role (终点改成县医院 -> destination)."""
        others = tuple(e for e in self.entities if e is not entity)
        return replace(self, entities=(*others, replace(entity, entity=name)))

    def first(self, *names: str) -> Entity | None:
        for entity in self.entities:
            if entity.entity in names:
                return entity
        return None

    def all(self, *names: str) -> list[Entity]:
        return [e for e in self.entities if e.entity in names]

    def span(self, entity: Entity) -> str:
        return self.text[entity.start : entity.end]

    @property
    def bare(self) -> str:
        return squeeze(self.text)

    @property
    def is_task(self) -> bool:
        return self.intent in TASK_INTENTS

    @property
    def switches_task(self) -> bool:
        return self.is_task and self.confidence >= SWITCH_CONFIDENCE

    # -- control words ---------------------------------------------------------------
    @property
    def wants_abandon(self) -> bool:
        return bool(ABANDON.fullmatch(self.bare))

    @property
    def wants_help(self) -> bool:
        return bool(HELP.fullmatch(self.bare))

    @property
    def wants_person(self) -> bool:
        return bool(HUMAN.fullmatch(self.bare)) or (self.intent == "human_agent" and self.confidence >= 0.6)

    @property
    def skips(self) -> bool:
        return bool(SKIP.fullmatch(self.bare)) or (self.intent == "deny" and not self.entities)

    @property
    def holds(self) -> bool:
        return bool(HOLD.fullmatch(self.bare)) and not self.entities

    @property
    def corrects(self) -> bool:
        return bool(CORRECTION.match(self.bare)) or self.intent == "deny" or self.replaces

    @property
    def cannot_say(self) -> bool:
        """不知道 / 不方便 / 不记得了: about the question asked, not a correction of the last answer."""
        return bool(CANNOT_SAY.match(self.bare)) and not self.entities

    @property
    def replaces(self) -> bool:
        """The message takes a value back and gives another (不去县城了，改去县医院)."""
        return bool(REPLACING.search(self.text))

    def negated(self, entity: Entity) -> bool:
        """True when the entity is said as what is NOT wanted (不去[县城]了)."""
        return bool(NEGATED.search(self.text[max(0, entity.start - 3) : entity.start]))

    def after_negation(self) -> tuple[Parse, list[Entity]]:
        """The part of a replacing message after the taken-back values, and those values."""
        dropped = [e for e in self.entities if self.negated(e)]
        if not dropped or not self.replaces:
            return self, []
        last = max(dropped, key=lambda e: e.end)
        stop = re.compile(r"[了吧]?[，,。;；\s]+|了").search(self.text, last.end)
        cut = stop.end() if stop else last.end
        kept = tuple(
            replace(e, start=e.start - cut, end=e.end - cut) for e in self.entities if e.start >= cut
        )
        return replace(self, text=self.text[cut:], entities=kept), dropped
