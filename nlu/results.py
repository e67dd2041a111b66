"""The parse result in Rasa's shape, with retrieval intents (`faq/ask_x`) as Rasa returns them.

The classifier learns a retrieval intent's full labels (`faq/ask_x`); the parse names the
intent `faq` with the summed probability of its keys, and `response_selector` says which
key (`faq/ask_x`) answers it, with the ranking of the keys, as Rasa's ResponseSelector does.
"""

from __future__ import annotations

from typing import Any

from nlu.classifiers.base import Ranking

RANKING_SIZE = 10


def build_result(
    text: str, intent: str, confidence: float, ranking: Ranking, entities: list[dict[str, Any]]
) -> dict[str, Any]:
    """`{"text", "intent", "intent_ranking", "entities"}` with `intent` first in the ranking."""
    ranking = [(intent, confidence), *[r for r in ranking if r[0] != intent]]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": round(float(confidence), 4)},
        "intent_ranking": [
            {"name": name, "confidence": round(float(conf), 4)} for name, conf in ranking[:RANKING_SIZE]
        ],
        "entities": entities,
    }


def merge_retrieval(ranking: Ranking) -> Ranking:
    """The ranking with every `faq/ask_x` summed into `faq`; unchanged without retrieval intents."""
    if not any("/" in label for label, _ in ranking):
        return ranking
    totals: dict[str, float] = {}
    for label, prob in ranking:
        base = label.partition("/")[0]
        totals[base] = totals.get(base, 0.0) + prob
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def with_response_selector(result: dict[str, Any], full_ranking: Ranking) -> dict[str, Any]:
    """Add `response_selector` when the model knows retrieval intents (Rasa's layout)."""
    retrieval = sorted({label.partition("/")[0] for label, _ in full_ranking if "/" in label})
    if not retrieval:
        return result
    selector: dict[str, Any] = {"all_retrieval_intents": retrieval}
    for base in retrieval:
        keys = [(label, prob) for label, prob in full_ranking if label.startswith(base + "/")]
        total = sum(prob for _, prob in keys) or 1.0
        ranked = [{"intent_response_key": label, "confidence": round(prob / total, 4)} for label, prob in keys]
        best = ranked[0]
        selector[base] = {
            "response": {**best, "utter_action": f"utter_{best['intent_response_key']}"},
            "ranking": ranked[:RANKING_SIZE],
        }
    return {**result, "response_selector": selector}
