"""Chinese word segmentation with jieba and the county's place names as user words.

Each `JiebaTokenizer` owns a private `jieba.Tokenizer`, so the user words of one pipeline
never leak into another (or into code that uses jieba's global instance). The dictionary
is loaded at construction (`initialize()`), not on the first message. Whitespace and
punctuation are dropped; runs of Latin letters and digits stay one token each.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable

import jieba

from nlu.tokenizers.base import Token, Tokenizer

logger = logging.getLogger(__name__)

jieba.setLogLevel(logging.WARNING)

USER_WORD_FREQ = 200_000
"""High enough that a user word wins over jieba's own splits (嵩口镇, not 嵩/口镇)."""


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "N")


class JiebaTokenizer(Tokenizer):
    """jieba segmentation with extra user words (place names, service words)."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words: tuple[str, ...] = tuple(sorted({w.strip() for w in user_words if w.strip()}))
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in self.user_words:
            self._jieba.add_word(word, freq=USER_WORD_FREQ)
        logger.debug("jieba ready with %d user words", len(self.user_words))

    def tokenize(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        for word, start, end in self._jieba.tokenize(text, HMM=True):
            if not any(_is_word_char(ch) for ch in word):
                continue
            tokens.append(Token(word, start, end))
        return tokens

    def __getstate__(self) -> dict[str, object]:
        return {"user_words": self.user_words}

    def __setstate__(self, state: dict[str, object]) -> None:
        words = state["user_words"]
        assert isinstance(words, tuple)
        self.__init__(words)  # type: ignore[misc]
