"""A question about a pickup code (取件码是多少, 取件码呢, 取件码丢了) with no tracking number:
the code goes only to the recipient's phone. The verified recipient with parcels waiting is
shown them (the parcel answer carries their codes); anyone else hears how to get it: the SMS,
a re-send to the recipient by tracking number, their own number proven here, or the service
point with an ID card. A phone tail is not offered: it finds parcels only for a proven number."""

from __future__ import annotations

import re
from dataclasses import replace

from backend.services.parcels import shipments as parcels
from dialogs import filling, knowledge
from dialogs.context import TurnContext
from dialogs.understanding import Parse

CODE_WORDS = re.compile(r"取件码|取货码|提货码|取件号")
ASKING = re.compile(r"丢|忘|没收到|收不到|找不到|发我|告诉我|给我")


def answer(ctx: TurnContext, parse: Parse) -> bool:
    """True when `parse` was a pickup-code question and it has been answered."""
    if parse.is_task and parse.intent != "track_parcel":
        return False  # 取件码发了也取不到件，你们怎么搞的: a complaint
    if not CODE_WORDS.search(parse.text) or parse.first("tracking_no", "phone") is not None:
        return False
    if not (knowledge.is_question(parse.text) or ASKING.search(parse.text)):
        return False
    mine = ctx.verified_mobile()
    if mine and parcels.parcels_for_phone(ctx.session, phone=mine):
        filling.begin(ctx, "track_parcel", replace(parse, intent="track_parcel"))
    else:
        ctx.say("pickup_code_how")
    return True
