"""The contract every intent classifier meets.

A classifier learns from messages already turned into bags of string features (word and
character n-grams, entity placeholders) and answers a ranking of labels with
probabilities that sum to one. It knows nothing of tokenizers or extractors, so the same
class serves the service and the public benchmarks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

Ranking = list[tuple[str, float]]
"""(label, probability) pairs, most likely first."""


class IntentClassifier(ABC):
    """Learns labels from feature bags; ranks labels for a new feature bag."""

    @abstractmethod
    def fit(self, docs: Sequence[Sequence[str]], labels: Sequence[str]) -> None:
        """Train on one feature bag and one label per message."""

    @abstractmethod
    def rank_many(self, docs: Sequence[Sequence[str]]) -> list[Ranking]:
        """Rank all labels for each feature bag."""

    def rank(self, doc: Sequence[str]) -> Ranking:
        """Rank all labels for one feature bag."""
        return self.rank_many([doc])[0]
