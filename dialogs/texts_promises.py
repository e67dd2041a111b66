"""The sentences about keeping a promise: which bus a seat is really on (班次 offered as
numbered choices, with stop and fare), arrive-by trips (10点前到), complaint times that
have not happened yet, and the replies that map a backend refusal to what to do next.
Merged into `dialogs.texts.TEXTS`; same variants (rich, short for SMS, spoken).
"""

from __future__ import annotations

from dialogs.texts import T

PROMISE_TEXTS: dict[str, T] = {
    "occurred_future": T(
        "{when}还没到呢。请问这件事是什么时候发生的？比如“昨天下午”，记不清可以说“不记得”。",
        "{when}还没到。是什么时候的事？如“昨天下午”，不记得可回“不记得”。",
        "{when}还没有到。请问这件事是什么时候发生的？比如昨天下午。记不清可以说不记得。",
    ),
}
