"""Button payloads as Rasa reads them: `/intent`, `/intent@0.8`, `/intent{"entity": "value"}`.

Rasa's `RegexMessageHandler` turns such a message into its parse directly: the intent with
confidence 1 (or the `@` value), one entity per key (one per element of a list value), each
spanning the JSON part of the text. Malformed JSON keeps the intent and drops the entities
(Rasa warns the same way); an intent the model does not know leaves the message to the
classifier.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Container
from typing import Any

logger = logging.getLogger(__name__)

_PAYLOAD = re.compile(r"^/(?P<intent>[^{@]+?)(?P<confidence>@[0-9.]+)?(?P<entities>\{.+\})?$", re.DOTALL)


def parse_payload(text: str, known_intents: Container[str]) -> dict[str, Any] | None:
    """The Rasa parse of a `/intent{...}` payload, or None when `text` is not one."""
    match = _PAYLOAD.match(text.strip())
    if match is None:
        return None
    intent = match.group("intent").strip()
    if intent not in known_intents:
        logger.info("payload %r names an intent the model does not know; parsed as text", text[:80])
        return None
    try:
        confidence = float(match.group("confidence")[1:]) if match.group("confidence") else 1.0
    except ValueError:
        confidence = 1.0
    entities: list[dict[str, Any]] = []
    if match.group("entities"):
        start, end = match.span("entities")
        try:
            parsed = json.loads(match.group("entities"))
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            logger.warning("payload %r: entities are not a JSON object; ignored", text[:80])
            parsed = {}
        for name, value in parsed.items():
            for item in value if isinstance(value, list) else [value]:
                entities.append({"entity": str(name), "value": item, "start": start, "end": end})
    ranked = {"name": intent, "confidence": confidence}
    return {"text": text, "intent": ranked, "intent_ranking": [dict(ranked)], "entities": entities}
