"""The NLU pipeline: text in, Rasa-compatible parse out (docs/CONTRACTS.md §1).

Steps per message: length-preserving clean-up; deterministic extractors (identifiers,
times, places, head counts); self-corrections taken back (`nlu.corrections`); jieba segmentation around the entity spans; the intent
classifier on masked word and character n-grams, with a confidence threshold below which
the answer is `out_of_scope`; the learned role tagger turns each place into origin,
destination or place; a reply to a question (`expected_slot`) becomes `inform`; every other
annotated entity type comes from the CRF entity tagger (`nlu.entity_tagger`). Training reads
Rasa data from `training_data/` or any Rasa project folder; the trained model is one pickle file.
Rasa's rules hold on any data: `nlu_fallback` below the threshold unless `out_of_scope` is
trained, `/intent{...}` payloads, retrieval intents with `response_selector`.
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

from nlu.classifiers.base import IntentClassifier
from nlu.classifiers.linear import LinearIntentClassifier
from nlu.corrections import corrected_counts, find_corrections, is_bare_correction, mask
from nlu.entity_tagger import EXTRACTOR as TAGGER_NAME
from nlu.entity_tagger import PLACE_TYPES, EntityTagger, Patterns, owned_types
from nlu.extraction import ExtractorSet
from nlu.extractors.base import Entity
from nlu.extractors.role_tagger import ROLES, RoleTagger, role_features
from nlu.extractors.token_tagger import Features
from nlu.featurize import Segment, intent_features, segment
from nlu.gazetteer import Gazetteer
from nlu.model_store import ModelStoreError, fingerprint, load_model, save_model
from nlu.payloads import parse_payload
from nlu.results import build_result, merge_retrieval, with_response_selector
from nlu.slots import BOOKING_INTENTS, answer_to_slot, bare_clock, bare_count, right_now
from nlu.text import MAX_PARSE_CHARS, clean_text, has_content
from nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from nlu.training_data import (
    DEFAULT_TRAINING_DIR,
    Example,
    TrainingData,
    TrainingDataError,
    load_training_data,
)

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
TRAIN_NOW = datetime(2026, 1, 5, 9, 0, tzinfo=TZ)
"""Reference time while featurising training data (only spans matter there)."""
DEFAULT_THRESHOLD = 0.25
"""Below this top-intent probability the answer is out_of_scope (chosen by `nlu test`)."""
OUT_OF_SCOPE = "out_of_scope"
NLU_FALLBACK = "nlu_fallback"
"""Rasa's FallbackClassifier intent: the answer below the threshold when out_of_scope is not trained."""
_ROLE_WORDS = re.compile(r"[从去到回往在]")
DIGIT_INTENTS = frozenset({"affirm", "deny", "human_agent", "inform", OUT_OF_SCOPE})
"""What a message of digits alone may be: 1 / 2 at a read-back, 0 for a person, a number."""
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
    """The data's own place gazetteer; none (no places) when the data brings none."""
    path = (training_dir if training_dir.is_dir() else training_dir.parent) / "lookups" / "places.yml"
    return Gazetteer.load(path) if path.exists() else Gazetteer([])


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
        patterns: Patterns | None = None,
        entity_tagger: EntityTagger | None = None,
        entity_types: frozenset[str] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.classifier = classifier
        self.role_tagger = role_tagger
        self.synonyms = dict(synonyms or {})
        self.threshold = threshold
        self.fingerprint = fingerprint_value
        self.patterns = patterns or Patterns()
        self.entity_tagger = entity_tagger
        self.entity_types = entity_types
        """Annotated entity types of the training data: the extractors answer only these (None: all)."""
        self._extractors = ExtractorSet(gazetteer)
        lookup_words = [w for table in self.patterns.lookups.values() for w in table]
        self._tokenizer = JiebaTokenizer([*gazetteer.surface_forms(), *SERVICE_WORDS, *lookup_words])
        if entity_tagger is not None:
            entity_tagger.tokenizer = self._tokenizer

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
        pipeline = cls.for_data(root, data, seed=seed)
        pipeline.fingerprint = fingerprint(root)
        pipeline.fit(data.examples)
        return pipeline

    @classmethod
    def for_data(cls, training_dir: Path | None, data: TrainingData, *, seed: int = 42) -> NluPipeline:
        """An untrained pipeline with the data's synonyms, regex patterns and lookup tables."""
        patterns = Patterns(dict(data.regexes), dict(data.lookups))
        return cls.untrained(training_dir, seed=seed, synonyms=data.synonyms, patterns=patterns)

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
        """Train the intent classifier, the role tagger and the entity tagger on `examples`."""
        if len({ex.full_intent for ex in examples}) < 2:
            found = f"only the intent {examples[0].full_intent!r}" if examples else "no examples"
            raise TrainingDataError(f"no examples found to train on: {found}; at least two intents are needed")
        self.entity_types = frozenset(e.entity for ex in examples for e in ex.entities)
        learned = self._learned_types()
        analyses = [self.analyse(clean_text(ex.text), TRAIN_NOW) for ex in examples]
        self.classifier.fit([a.features for a in analyses], [ex.full_intent for ex in examples])
        self.entity_tagger = None
        if learned:
            self.entity_tagger = EntityTagger(self._tokenizer, patterns=self.patterns)
            self.entity_tagger.train_on([(a.text, ex) for a, ex in zip(analyses, examples, strict=True)], learned)
            logger.info("entity tagger learned %s", ", ".join(sorted(learned)))
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
        values_out = self.patterns.blank_lookups(masked, self._learned_types(), entities)
        segments = segment(values_out, entities, self._tokenizer)
        features = intent_features(segments) + self.patterns.names(cleaned.lower())
        return Analysis(cleaned, entities, segments, features, masked)

    def _learned_types(self) -> frozenset[str]:
        """The annotated entity types the tagger learns (not the deterministic extractors')."""
        return (self.entity_types or frozenset()) - owned_types(bool(self.gazetteer.entries))

    def parse(
        self, text: str, now: datetime | None = None, expected_slot: str | None = None
    ) -> dict[str, Any]:
        """The CONTRACTS §1 parse of `text`; `expected_slot` is the slot just asked for."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        labels = set(getattr(self.classifier, "labels", ()))
        fallback = OUT_OF_SCOPE if OUT_OF_SCOPE in labels else NLU_FALLBACK
        known = {label.partition("/")[0] for label in labels}
        if text.startswith("/") and (payload := parse_payload(text, known | {fallback})) is not None:
            return payload
        cleaned = clean_text(text)
        if len(text) > MAX_PARSE_CHARS or not has_content(cleaned):
            return build_result(text, fallback, 1.0, [(fallback, 1.0)], [])
        moment = _aware(now)
        analysis = self.analyse(cleaned, moment)
        full_ranking = self.classifier.rank(analysis.features)
        ranking = merge_retrieval(full_ranking)
        intent, confidence = ranking[0]
        confident = confidence >= self.threshold
        if not confident and intent != fallback:  # Rasa's FallbackClassifier answers the threshold
            intent, confidence = fallback, (1.0 - confidence if fallback == OUT_OF_SCOPE else self.threshold)
        entities = self._with_roles(analysis, intent)
        if "inform" in known and is_bare_correction(cleaned, analysis.masked, entities):  # 不是后天 是周六
            intent, confidence = "inform", max(confidence, self.threshold)
            if not _ROLE_WORDS.search(cleaned):  # 不是嵩口 是嵩溪: the dialog knows which place
                entities = [replace(e, entity="place") if e.entity in ROLES else e for e in entities]
        if intent in BOOKING_INTENTS and not any(e.entity == "time" for e in entities):
            entities = [*entities, *filter(None, [right_now(cleaned, moment, bare=False)])]  # 现在从嵩口去县城
        if cleaned.strip().isdigit() and intent not in DIGIT_INTENTS and "inform" in known:
            intent, confidence = "inform", max(confidence, self.threshold)  # 8 is never 再见 or 你好
        if expected_slot == "time" and not any(e.entity == "time" for e in entities):
            entities = [*entities, *bare_clock(cleaned, lambda said: self._extractors.extract(said, now=moment))]
        if expected_slot:
            new_intent, entities = answer_to_slot(cleaned, intent, confident, entities, expected_slot, moment)
            if new_intent != intent:
                intent, confidence = new_intent, max(confidence, self.threshold)
        elif {"affirm", "deny"} <= known and (menu := _MENU_ANSWER.fullmatch(cleaned)) is not None:
            intent, confidence = ("affirm" if menu.group(1) == "1" else "deny"), 1.0  # 回复1确认 2修改
        elif (
            "inform" in known
            and intent in ("inform", OUT_OF_SCOPE)
            and not any(e.entity == "passengers" for e in entities)
        ):
            count = bare_count(cleaned, allow_digits=False)
            if count is not None:
                intent, confidence, entities = "inform", max(confidence, self.threshold), [*entities, count]
        entities = self._with_learned(cleaned, full_ranking[0][0], entities)
        result = build_result(text, intent, confidence, ranking, [self._canonical(e) for e in entities])
        return with_response_selector(result, full_ranking)

    def _with_learned(self, text: str, label: str, entities: list[Entity]) -> list[Entity]:
        """Only the extractors' entities of annotated types, then the tagger's where they leave room."""
        if self.entity_types is not None:
            allowed = self.entity_types | (PLACE_TYPES if self.entity_types & PLACE_TYPES else frozenset())
            entities = [e for e in entities if e.entity in allowed]
        if self.entity_tagger is None:
            return entities
        for ent in self.entity_tagger.entities(text, label):
            if not any(ent.start < e.end and e.start < ent.end for e in entities):
                entities.append(ent)
        return sorted(entities, key=lambda e: (e.start, e.end, e.entity))

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
        if not isinstance(ent.value, str):
            return ent.to_dict()
        if ent.extractor != TAGGER_NAME:
            return replace(ent, value=self.synonyms.get(ent.value, ent.value)).to_dict()
        mapped = self.synonyms.get(ent.value)  # Rasa's EntitySynonymMapper: case-insensitive
        if mapped is None:
            mapped = next((v for k, v in self.synonyms.items() if k.lower() == ent.value.lower()), None)
        if mapped is None:
            return ent.to_dict()
        return {**replace(ent, value=mapped).to_dict(), "processors": ["EntitySynonymMapper"]}

    # ---- persistence ----------------------------------------------------------------

    def save(self, path: Path) -> None:
        payload = {
            "gazetteer": self.gazetteer,
            "classifier": self.classifier,
            "role_tagger": self.role_tagger,
            "synonyms": self.synonyms,
            "threshold": self.threshold,
            "patterns": self.patterns,
            "entity_tagger": self.entity_tagger,
            "entity_types": self.entity_types,
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

