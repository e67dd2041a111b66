"""Finding the knowledge-base entry that answers a question: jieba words, BM25 (`bm25s`)
over every way an entry is asked (its question and its variants), and a confidence that
says whether the best entry really answers it.

The confidence is how much of the question's weight the best-matching wording covers:
the IDF mass of the question's words found in that wording over the IDF mass of all its
content words (a word the knowledge base has never seen counts as rare, so a question
about something else entirely scores low however well one common word matches). It is
multiplied by a margin factor when a different entry matches almost as well. `answer`
returns a match only at or above the threshold chosen on the development set
(benchmarks/knowledge.py; README "Knowledge base").
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from datetime import date

import bm25s
import jieba
import numpy as np
from sqlalchemy.orm import Session

from backend.models.knowledge import KnowledgeEntry
from backend.services.knowledge import entries as knowledge

logger = logging.getLogger(__name__)

THRESHOLD = 0.525  # chosen on benchmarks/data/knowledge_dev.yml by benchmarks/knowledge.py
SUGGEST_FLOOR = 0.3
ANSWER_WORD_WEIGHT = 0.5
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 么 嘛 哦 噢 哈 是 我 你 您 他 她 我们 你们 请问 问 一下 想 要 能 能不能 可以 可不可以 "
    "会 会不会 有没有 有 没有 这个 那个 怎么 怎么样 怎样 如何 什么 哪 哪里 哪儿 多少 几 几点 一 个 就 都 还 "
    "在 去 和 跟 与 或 也 又 请 帮 帮忙 告诉 知道 下 上 里 得 着 过 给 让 把 被 对 为 呃 嗯 那 这 啥 咋 "
    "多久 多长 时间 ， 。 ？ ！ 、 ： ； ? ! , . 　".split()
)
# words villagers use for the same thing (the question side and the entries side alike)
SYNONYMS: dict[str, str] = {
    "小孩": "儿童", "孩子": "儿童", "娃": "儿童", "小朋友": "儿童", "娃娃": "儿童",
    "老人": "老年人", "老人家": "老年人", "老年": "老年人",
    "客运站": "汽车站", "车站": "汽车站", "站": "汽车站", "县车站": "汽车站",
    "东西": "物品", "快件": "快递", "包裹": "快递", "件": "快递",
    "钱": "收费", "费用": "收费", "价格": "收费", "价钱": "收费", "票价": "收费", "资费": "收费", "车费": "收费",
    "运费": "收费", "块钱": "收费",
    "公交车": "公交", "班车": "公交", "客车": "公交",
    "关门": "营业", "开门": "营业", "上班": "营业", "营业时间": "营业",
    "最后": "末班", "最晚": "末班", "末班车": "末班",
    "退": "退票", "寄件": "寄", "寄东西": "寄", "邮寄": "寄", "揽收": "取件", "揽件": "取件",
}  # fmt: skip
_SPACE = re.compile(r"\s+")


def words(text: str) -> list[str]:
    """jieba words of `text`, synonyms folded, stop words dropped."""
    out = []
    for raw in jieba.lcut(_SPACE.sub("", text.lower())):
        word = SYNONYMS.get(raw, raw)
        if word and word not in STOPWORDS and not word.isspace():
            out.append(word)
    return out


@dataclass(frozen=True)
class EntryView:
    """What the index keeps of an entry (plain values: the index outlives sessions)."""

    id: int
    question: str
    variants: tuple[str, ...]
    answer: str
    short_answer: str
    tags: tuple[str, ...]

    @classmethod
    def of(cls, entry: KnowledgeEntry) -> EntryView:
        return cls(
            entry.id, entry.question, tuple(entry.variants or ()), entry.answer, entry.short_answer,
            tuple(entry.tags or ()),
        )  # fmt: skip


@dataclass(frozen=True)
class Match:
    entry: EntryView
    confidence: float
    wording: str  # the question or variant that matched best


class KnowledgeIndex:
    """BM25 over the usable entries, one document per entry: its question, its variants
    (the ways people ask) and its answer and tags (the words the answer is about)."""

    def __init__(self, entries: list[EntryView]) -> None:
        self.entries = entries
        self.wordings = [w for e in entries for w in (e.question, *e.variants)]
        self.tokens = [
            [t for text in (e.question, *e.variants, *e.tags, e.answer) for t in words(text)] for e in entries
        ]
        self.asked = [{t for text in (e.question, *e.variants, *e.tags) for t in words(text)} for e in entries]
        self.sets = [set(tokens) for tokens in self.tokens]
        documents = len(self.tokens) or 1
        frequency: dict[str, int] = {}
        for found in self.sets:
            for word in found:
                frequency[word] = frequency.get(word, 0) + 1
        self.idf = {w: math.log(1 + documents / n) for w, n in frequency.items()}
        self.unseen_idf = math.log(1 + documents)
        self.retriever = bm25s.BM25()
        if self.tokens:
            self.retriever.index([t or ["_"] for t in self.tokens], show_progress=False)

    def search(self, question: str, *, limit: int = 5) -> list[Match]:
        query = set(words(question))
        known = [w for w in query if w in self.idf]
        if not known:
            return []
        scores = self.retriever.get_scores(known)
        order = [int(i) for i in np.argsort(-scores)[:limit] if scores[i] > 0]
        if not order:
            return []
        total = sum(self.idf.get(w, self.unseen_idf) for w in query)
        top = float(scores[order[0]])
        runner_up = float(scores[order[1]]) if len(order) > 1 else 0.0
        matches = []
        for rank, doc in enumerate(order):
            confidence = sum(self._weight(w, doc) for w in query) / total
            if rank == 0:
                confidence *= min(1.0, 0.5 + (top - runner_up) / top)
            else:
                confidence *= 0.5 * float(scores[doc]) / top
            entry = self.entries[doc]
            matches.append(Match(entry, round(confidence, 4), entry.question))
        return matches


    def _weight(self, word: str, doc: int) -> float:
        """A question word found in the ways the entry is asked counts fully, one found
        only in its answer counts half."""
        if word in self.asked[doc]:
            return self.idf[word]
        return ANSWER_WORD_WEIGHT * self.idf[word] if word in self.sets[doc] else 0.0


_cache: dict[str, tuple[tuple[object, ...], KnowledgeIndex]] = {}
_cache_lock = threading.Lock()


def index_for(session: Session, *, day: date) -> KnowledgeIndex:
    """The index of the entries usable on `day`, rebuilt only when the knowledge base changed."""
    bind = session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), *knowledge.version(session), day)
    with _cache_lock:
        cached = _cache.get("index")
        if cached is not None and cached[0] == key:
            return cached[1]
    index = KnowledgeIndex([EntryView.of(e) for e in knowledge.usable_entries(session, day=day)])
    with _cache_lock:
        _cache["index"] = (key, index)
    return index


def search(session: Session, question: str, *, day: date, limit: int = 5) -> list[Match]:
    return index_for(session, day=day).search(question, limit=limit)


def answer(session: Session, question: str, *, day: date, threshold: float = THRESHOLD) -> Match | None:
    """The entry that answers `question` when retrieval is confident enough, else None."""
    matches = search(session, question, day=day, limit=2)
    if matches and matches[0].confidence >= threshold:
        return matches[0]
    return None
