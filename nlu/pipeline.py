"""The NLU pipeline: text in, Rasa-compatible parse out (docs/CONTRACTS.md §1).

Steps per message: length-preserving clean-up; deterministic extractors (identifiers,
times, places, head counts); self-corrections taken back (`nlu.corrections`); jieba segmentation around the entity spans; the intent
classifier on masked word and character n-grams, with a confidence threshold below which
the answer is `out_of_scope`; the learned role tagger turns each place into origin,
destination or place; a reply to a question (`expected_slot`) becomes `inform`. Training
reads Rasa YAML from `training_data/`; the trained model is one pickle file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nlu.classifiers.base import IntentClassifier, Ranking
from nlu.classifiers.linear import LinearIntentClassifier
from nlu.corrections import corrected_counts, find_corrections, is_bare_correction, mask
from nlu.extraction import ExtractorSet
from nlu.extractors.base import Entity
from nlu.extractors.role_tagger import ROLES, RoleTagger, role_features
from nlu.extractors.token_tagger import Features
from nlu.featurize import Segment, intent_features, segment
from nlu.gazetteer import Gazetteer
from nlu.model_store import ModelStoreError, fingerprint, load_model, save_model
from nlu.slots import answer_to_slot, bare_count
from nlu.text import MAX_PARSE_CHARS, clean_text, has_content
from nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from nlu.training_data import DEFAULT_TRAINING_DIR, Example, load_training_data

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
TRAIN_NOW = datetime(2026, 1, 5, 9, 0, tzinfo=TZ)
"""Reference time while featurising training data (only spans matter there)."""
DEFAULT_THRESHOLD = 0.25
"""Below this top-intent probability the answer is out_of_scope (chosen by `nlu test`)."""
OUT_OF_SCOPE = "out_of_scope"
RANKING_SIZE = 10
_ROLE_WORDS = re.compile(r"[从去到回往在]")
_MENU_ANSWER = re.compile(r"\s*(?:回复|回|选|按)?\s*([12])\s*[。.!！]?\s*")
"""A bare 1 or 2 (full-width too, after clean-up) answers the read-back "回复1确认 2修改"."""
SERVICE_WORDS = (
    "包车", "改签", "取件码", "转人工", "到站提醒", "停运", "末班车", "首班车", "头班车",
    "学生车", "班车", "约车", "订座", "揽收", "寄件", "查件", "快递点", "车牌",
)  # fmt: skip


@dataclass(frozen=True)
class Analysis:
    """A message after extraction and segmentation, ready for the models."""

    text: str
    entities: list[Entity]
    segments: list[Segment]
    features: list[str]
    masked: str = ""
    """The text with self-corrected slips blanked out (`nlu.corrections`); `text` if none."""


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(TZ)
    return now.replace(tzinfo=TZ) if now.tzinfo is None else now


def _gazetteer_for(training_dir: Path) -> Gazetteer:
    path = training_dir / "lookups" / "places.yml"
    return Gazetteer.load(path if path.exists() else None)


class NluPipeline:
    """Trained intent classifier and role tagger plus the deterministic extractors."""

    def __init__(
        self,
        *,
        gazetteer: Gazetteer,
        classifier: IntentClassifier,
        role_tagger: RoleTagger,
        synonyms: dict[str, str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        fingerprint_value: str = "",
    ) -> None:
        self.gazetteer = gazetteer
        self.classifier = classifier
        self.role_tagger = role_tagger
        self.synonyms = dict(synonyms or {})
        self.threshold = threshold
        self.fingerprint = fingerprint_value
        self._extractors = ExtractorSet(gazetteer)
        self._tokenizer = JiebaTokenizer([*gazetteer.surface_forms(), *SERVICE_WORDS])

    @property
    def tokenizer(self) -> JiebaTokenizer:
        """The pipeline's jieba tokenizer (with the gazetteer's names as user words)."""
        return self._tokenizer

    # ---- training -------------------------------------------------------------------

    @classmethod
    def train(cls, training_dir: Path | None = None, seed: int = 42) -> NluPipeline:
        """Train from the Rasa YAML in `training_dir` (default: the repo's training_data/)."""
        root = training_dir or DEFAULT_TRAINING_DIR
        data = load_training_data(root)
        pipeline = cls.untrained(root, seed=seed, synonyms=data.synonyms)
        pipeline.fingerprint = fingerprint(root)
        pipeline.fit(data.examples)
        return pipeline

    @classmethod
    def untrained(cls, training_dir: Path | None = None, *, seed: int = 42, **kwargs: Any) -> NluPipeline:
        """A pipeline with fresh models, for `fit` on chosen examples (evaluation folds)."""
        root = training_dir or DEFAULT_TRAINING_DIR
        return cls(
            gazetteer=_gazetteer_for(root),
            classifier=LinearIntentClassifier(seed=seed),
            role_tagger=RoleTagger(seed=seed),
            **kwargs,
        )

    def fit(self, examples: Sequence[Example]) -> None:
        """Train the intent classifier and the role tagger on `examples`."""
        analyses = [self.analyse(clean_text(ex.text), TRAIN_NOW) for ex in examples]
        self.classifier.fit([a.features for a in analyses], [ex.intent for ex in examples])
        role_x: list[Features] = []
        role_y: list[str] = []
        for ex, analysis in zip(examples, analyses, strict=True):
            for index, seg in enumerate(analysis.segments):
                if seg.kind != "place":
                    continue
                gold = next((e for e in ex.entities if e.start < seg.end and seg.start < e.end), None)
                if gold is None or gold.entity not in ROLES:
                    continue
                kind = self._place_kind(analysis.entities, seg)
                role_x.append(role_features(analysis.segments, index, intent=ex.intent, kind=kind))
                role_y.append(gold.entity)
        self.role_tagger.fit(role_x, role_y)
        logger.info("trained on %d examples, %d place roles", len(examples), len(role_y))

    # ---- parsing --------------------------------------------------------------------

    def analyse(self, cleaned: str, now: datetime) -> Analysis:
        """Extract entities, segment and featurise a cleaned message."""
        entities = self._extractors.extract(cleaned, now=now)
        entities = sorted([*entities, *corrected_counts(cleaned, entities)], key=lambda e: e.start)
        masked = cleaned
        corrections = find_corrections(cleaned, entities)
        if corrections:  # 两个人不对三个人: analyse what is left once the slip is taken back
            masked = mask(cleaned, corrections)
            extracted = self._extractors.extract(masked, now=now)
            kept = [
                e for e in entities
                if e.extractor == "CorrectedCount" and masked[e.start] != " "
                and not any(x.start < e.end and e.start < x.end for x in extracted)
            ]  # fmt: skip
            entities = sorted([*extracted, *kept], key=lambda e: e.start)
        segments = segment(masked, entities, self._tokenizer)
        return Analysis(cleaned, entities, segments, intent_features(segments), masked)

    def parse(
        self, text: str, now: datetime | None = None, expected_slot: str | None = None
    ) -> dict[str, Any]:
        """The CONTRACTS §1 parse of `text`; `expected_slot` is the slot just asked for."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        cleaned = clean_text(text)
        if len(text) > MAX_PARSE_CHARS or not has_content(cleaned):
            return _result(text, OUT_OF_SCOPE, 1.0, [(OUT_OF_SCOPE, 1.0)], [])
        analysis = self.analyse(cleaned, _aware(now))
        ranking = self.classifier.rank(analysis.features)
        intent, confidence = ranking[0]
        confident = confidence >= self.threshold
        if not confident and intent != OUT_OF_SCOPE:
            intent, confidence = OUT_OF_SCOPE, 1.0 - confidence
        entities = self._with_roles(analysis, intent)
        if is_bare_correction(cleaned, analysis.masked, entities):  # 不是后天 是周六
            intent, confidence = "inform", max(confidence, self.threshold)
            if not _ROLE_WORDS.search(cleaned):  # 不是嵩口 是嵩溪: the dialog knows which place
                entities = [replace(e, entity="place") if e.entity in ROLES else e for e in entities]
        if expected_slot:
            new_intent, entities = answer_to_slot(cleaned, intent, confident, entities, expected_slot)
            if new_intent != intent:
                intent, confidence = new_intent, max(confidence, self.threshold)
        elif (menu := _MENU_ANSWER.fullmatch(cleaned)) is not None:  # 回复1确认 2修改
            intent, confidence = ("affirm" if menu.group(1) == "1" else "deny"), 1.0
        elif intent in ("inform", OUT_OF_SCOPE) and not any(e.entity == "passengers" for e in entities):
            count = bare_count(cleaned, allow_digits=False)
            if count is not None:
                intent, confidence, entities = "inform", max(confidence, self.threshold), [*entities, count]
        return _result(text, intent, confidence, ranking, [self._canonical(e) for e in entities])

    def _with_roles(self, analysis: Analysis, intent: str) -> list[Entity]:
        places = [seg for seg in analysis.segments if seg.kind == "place"]
        if not places:
            return list(analysis.entities)
        kinds = [self._place_kind(analysis.entities, seg) for seg in places]
        roles = self.role_tagger.predict(analysis.segments, intent=intent, kinds=kinds)
        by_start = {seg.start: role for seg, role in zip(places, roles, strict=True)}
        out = []
        for ent in analysis.entities:
            if ent.entity == "place" and ent.start in by_start:
                role, prob = by_start[ent.start]
                info = {**ent.additional_info, "role_confidence": round(prob, 4)}
                ent = replace(ent, entity=role, extractor=f"{ent.extractor}+RoleTagger", additional_info=info)
            out.append(ent)
        return out

    @staticmethod
    def _place_kind(entities: Sequence[Entity], seg: Segment) -> str:
        for ent in entities:
            if ent.start == seg.start and ent.entity == "place":
                return str(ent.additional_info.get("kind", "unknown"))
        return "unknown"

    def _canonical(self, ent: Entity) -> dict[str, Any]:
        if isinstance(ent.value, str) and ent.value in self.synonyms:
            ent = replace(ent, value=self.synonyms[ent.value])
        return ent.to_dict()

    # ---- persistence ----------------------------------------------------------------

    def save(self, path: Path) -> None:
        payload = {
            "gazetteer": self.gazetteer,
            "classifier": self.classifier,
            "role_tagger": self.role_tagger,
            "synonyms": self.synonyms,
            "threshold": self.threshold,
        }
        save_model(Path(path), payload, self.fingerprint)

    @classmethod
    def load(cls, path: Path, *, expected_fingerprint: str | None = None) -> NluPipeline:
        payload = load_model(Path(path), expected_fingerprint)
        try:
            return cls(fingerprint_value=expected_fingerprint or "", **payload)
        except TypeError as exc:
            raise ModelStoreError(f"{path} does not fit this version of the pipeline: {exc}") from exc

    @classmethod
    def load_or_train(cls, model_path: Path, training_dir: Path | None = None) -> NluPipeline:
        """Load the model, or train and save it when missing, unreadable or stale."""
        root = training_dir or DEFAULT_TRAINING_DIR
        expected = fingerprint(root) if root.exists() else None
        try:
            return cls.load(model_path, expected_fingerprint=expected)
        except ModelStoreError as exc:
            logger.info("%s; training a new NLU model", exc)
        pipeline = cls.train(root)
        try:
            pipeline.save(model_path)
        except OSError as exc:
            logger.warning("could not save the NLU model to %s: %s", model_path, exc)
        return pipeline


def _result(
    text: str, intent: str, confidence: float, ranking: Ranking, entities: list[dict[str, Any]]
) -> dict[str, Any]:
    ranking = [(intent, confidence), *[r for r in ranking if r[0] != intent]]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": round(float(confidence), 4)},
        "intent_ranking": [
            {"name": name, "confidence": round(float(conf), 4)} for name, conf in ranking[:RANKING_SIZE]
        ],
        "entities": entities,
    }
