"""Which slot a place in a correction belongs to: 不是嵩口，是灵地 takes the taken-back place's
slot, 终点改成县医院 the slot it names, 说错了，是灵地 with both ends filled is asked its role,
and 下洋村 answering a place question is a place even when the gazetteer lacks it."""

from __future__ import annotations

import re
from typing import Any

from dialogs import slots as kinds
from dialogs import small_hours
from dialogs.context import TurnContext
from dialogs.forms.base import Form
from dialogs.slots import Slot
from dialogs.tracker import FormState
from dialogs.understanding import Entity, Parse

PLACE_SUFFIXES = ("村", "镇", "乡", "组", "屯", "寨", "街", "路", "站", "社区")
TAKEN_BACK = re.compile(r"(不是|不去|不到|不寄|不在|不从|不坐|不要|别去)([^，,。；;了吧\s]{1,10})")


def place_named(slot: Slot, parse: Parse) -> bool:
    """下洋村 / 大丰镇 answering a place question names a place, even one the gazetteer lacks:
    "没找到这个地方", not "这件事办不了"."""
    return slot.kind in kinds.PLACE_KINDS and parse.bare.endswith(PLACE_SUFFIXES)


def ask_role(ctx: TurnContext, form: Form, state: FormState, parse: Parse) -> bool:
    """One place said as a correction, with no role, when the trip's two ends are both
    filled: asked whether it is where to start or where to go (each choice stands for the
    words 从X出发 / 去X, understood as if typed); before, the last slot filled was dropped."""
    said = [e for e in parse.all(*kinds.PLACE_ENTITIES) if not parse.negated(e)]
    ends = {s.name for s in form.slots if s.kind == "place" and state.slots.get(s.name)}
    if len(said) != 1 or said[0].entity != "place" or ends != {"origin", "destination"}:
        return False
    place = str(said[0].value)
    options = [("出发地", f"{small_hours.SAID}从{place}出发"), ("目的地", f"{small_hours.SAID}去{place}")]
    state.awaiting = None
    ctx.choose(ctx.text("place_which_role", place=place), options, purpose="slot")
    return True


def roles_named(form: Form, parse: Parse) -> Parse:
    """A single place in a message that names its slot (终点改成县医院) takes that slot's role."""
    named = named_slot(form, parse)
    said = parse.all(*kinds.PLACE_ENTITIES)
    if named is None or named.kind not in kinds.PLACE_KINDS or not named.entities or len(said) != 1:
        return parse
    return parse.relabel(said[0], named.entities[0])


def replacing_role(
    ctx: TurnContext, form: Form, state: FormState, parse: Parse, taken_back: list[Entity]
) -> tuple[Parse, Slot | None]:
    """不是嵩口，是灵地: the one place given instead of a taken-back place takes over its slot
    (the slot holding the taken-back value, else the slot of its role). A slot no entity
    names (a school) is returned, to take the rest of the message as its answer."""
    gone = [e for e in taken_back if e.entity in kinds.PLACE_ENTITIES]
    given = parse.all(*kinds.PLACE_ENTITIES)
    places = [s for s in form.slots if s.kind in kinds.PLACE_KINDS]
    if not gone and parse.replaces:  # the NLU left the taken-back value out: find it in the words
        said = TAKEN_BACK.search(parse.text)
        held = [s for s in places if said and holds(ctx, state.slots.get(s.name), said.group(2))]
        gone = [Entity(held[0].entities[0] if held[0].entities else "place", state.slots[held[0].name])] if held else []
    if len(gone) != 1 or len(given) > 1:
        return parse, None
    slot = next((s for s in places if state.slots.get(s.name) == gone[0].value), None)
    slot = slot or next((s for s in places if gone[0].entity in s.entities), None)
    if slot is None:
        return parse, None
    if not slot.entities or not given:
        return parse, slot
    if given[0].entity == slot.entities[0]:
        return parse, None
    return parse.relabel(given[0], slot.entities[0]), None


def holds(ctx: TurnContext, value: Any, said: str) -> bool:
    """True when the slot's value is the place the words name (县一中 -> 清流县第一中学)."""
    if not isinstance(value, str) or len(said) < 2:
        return False
    return said in value or value in said or kinds.check_place(ctx.session, said).value == value


def named_slot(form: Form, parse: Parse) -> Slot | None:
    for slot in form.slots:
        if slot.kind == "code":  # 验证码 is asked when a code was sent, never reopened by name
            continue
        if any(word in parse.text for word in slot.words):
            return slot
    return None
