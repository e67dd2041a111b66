"""The contract every tokenizer meets.

A tokenizer turns a text into `Token`s that carry their character offsets in that text,
so features computed on tokens can be traced back to spans of the message as written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """One word of a message: its text and where it sits (`text[start:end]`)."""

    text: str
    start: int
    end: int


class Tokenizer(ABC):
    """Splits a text into tokens; whitespace and punctuation are not tokens."""

    @abstractmethod
    def tokenize(self, text: str) -> list[Token]:
        """Return the tokens of `text` in order, with offsets into `text`."""
