"""The contract every entity extractor meets.

An extractor reads the text as written (plus the reference time, for relative
expressions) and returns `Entity` objects whose `start`/`end` are character offsets
into that text and whose `value` is canonical (docs/CONTRACTS.md §1).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Entity:
    """One entity found in a message, in the Rasa parse-result shape."""

    entity: str
    value: Any
    start: int
    end: int
    extractor: str
    confidence: float = 1.0
    additional_info: dict[str, Any] = field(default_factory=dict)
    role: str | None = None
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "extractor": self.extractor,
            "confidence_entity": round(self.confidence, 4),
        }
        if self.role is not None:
            out["role"] = self.role
        if self.group is not None:
            out["group"] = self.group
        if self.additional_info:
            out["additional_info"] = dict(self.additional_info)
        return out


class EntityExtractor(ABC):
    """Finds entities of one family (times, places, numbers ...) in a text."""

    name: str = "extractor"

    @abstractmethod
    def extract(self, text: str, *, now: datetime) -> list[Entity]:
        """Return the entities in `text`; `now` is an aware datetime (Asia/Shanghai)."""
