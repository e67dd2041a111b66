"""Chinese and Arabic numerals, and the number of passengers in a message.

`cn_to_int` reads 一/两/俩/仨/十/二十五/一百零五/一百五 (=150), ASCII and full-width digits, and
digit-by-digit readings (二零二六, 幺三八). `PassengerExtractor` finds head counts: 两个人, 3人,
三位, 俺们仨, 我们两个, 老两口, 一家四口, 5个大人, 两大一小, 两张票; groups next to each other are added
(两个大人一个小孩 -> 3). "带(个)孩子" adds to the others, or to the speaker (我带个孩子 -> 2, confidence
0.8). Seats count too (俩位置, 两张座); a new total does (人数改成四个, 变三个, 一共三个) and wins over a
change (加一个人 变三个 -> 3; 再加一个人 alone -> 1); a price per head never counts (多少钱一个人). Counts come
only from a numeral followed by a people or seat word, so clock times (8点), dates, phone
numbers and money (5块钱) never become passengers.
"""

from __future__ import annotations

import re
from datetime import datetime

from nlu.extractors.base import Entity, EntityExtractor

_DIGITS = {
    **{c: i for i, c in enumerate("0123456789")},
    **{c: i for i, c in enumerate("０１２３４５６７８９")},
    **{c: i for i, c in enumerate("零一二三四五六七八九")},
    "〇": 0, "两": 2, "俩": 2, "仨": 3, "幺": 1,
}  # fmt: skip
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MAX_LEN = 20


def cn_to_int(s: str) -> int | None:
    """Integer value of a Chinese or Arabic numeral, or None if `s` is not one."""
    if not isinstance(s, str):
        return None
    s = s.strip()
    if not s or len(s) > _MAX_LEN:
        return None
    if all(c in _DIGITS for c in s):
        value = 0
        for c in s:
            value = value * 10 + _DIGITS[c]
        return value
    if "万" in s:
        high, _, low = s.partition("万")
        high_value = cn_to_int(high) if high else 1
        low_value = _small(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return high_value * 10000 + low_value
    return _small(s)


def _small(s: str) -> int | None:
    """Value below 10000 written with 十/百/千 units (一百五 is 150, as spoken)."""
    total, digit, last_unit, zero_seen = 0, None, 10000, False
    for c in s:
        if c in _DIGITS:
            if digit is not None:
                return None
            digit = _DIGITS[c]
            if digit == 0:
                zero_seen, digit = True, None
        elif c in _UNITS:
            unit = _UNITS[c]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit, zero_seen = None, unit, False
        else:
            return None
    if digit is not None:
        if last_unit in (100, 1000) and not zero_seen:
            digit *= last_unit // 10
        total += digit
    return total


_N = r"(?:[0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3})"
_LB = r"(?<![0-9０-９.:：A-Za-z一二两三四五六七八九十百零第每])"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rx))
    for kind, rx in (
        ("count", rf"{_LB}(?P<n>{_N})\s*(?:个|名|位)?(?:大人|成人|小孩子?|孩子|小朋友|娃娃?|老人家?|学生|乘客|客人|人)(?![民员工口])"),
        ("count", rf"一家(?:子)?(?P<n>{_N})口人?"),
        ("count", rf"{_LB}(?P<n>{_N})口人"),
        ("count", rf"{_LB}(?P<n>{_N})位(?![数置子于])"),
        ("count", rf"{_LB}(?P<n>{_N})张(?:车?票|座位?|位子)"),
        ("count", rf"{_LB}(?P<n>{_N}|俩|仨)(?:个(?:座位|位子|位置|座)|座位|位子|位置)(?![的车])"),
        ("count", r"(?:我们|俺们|咱们|他们|她们|你们|我|俺|咱|他|她)(?P<n>俩|仨)"),
        ("count", r"(?P<n>俩|仨)人"),
        ("count", r"(?:^|(?<=[\s,，、]))(?P<n>俩|仨)(?=[\s,，、。.!！?？]|$)"),  # 明早8点 松口 县医院 俩
        ("total", rf"(?:人数|人头)\s*(?:要|就)?(?:改成|改为|变成|换成|改|变|是|为|有)?\s*(?P<n>{_N}|俩|仨)(?:个|位)?(?![下点些次遍半0-9])"),
        ("total", rf"(?:一共|总共)(?:是|有|就)?(?P<n>{_N}|俩|仨)(?:个人|个|位|人)(?![\u4e00-\u9fff0-9])"),
        ("total", rf"(?:改成|改为|变成|换成|变)(?P<n>{_N}(?=个)|俩|仨)个?(?![\u4e00-\u9fff0-9])"),
        ("count", rf"(?:我们|俺们|咱们|我家|俺家)(?:一共|总共|共)?(?P<n>{_N})个(?!小时|钟头|月|星期|礼拜|人|大人|小孩|孩子)"),
        ("big_small", rf"{_LB}(?P<n>{_N})大(?P<m>{_N})小"),
        ("pair", r"(?:老|小)两口(?:子)?|两口子|老俩口|夫妻俩|母子俩|母女俩|父子俩|父女俩|娘俩|爷俩"),
        ("alone", r"(?:就我(?:一个人?|自己)|我一个人|只有我(?:一个人?)?|我自己(?:去|走|坐))"),
        ("dai", rf"带(?:着|上)?(?P<n>{_N})?个?(?:小孩子?|孩子|小朋友|娃娃?|老人家?|学生|宝宝|外孙[子女]?|孙[子女])"),
    )
)  # fmt: skip
_CHANGE = re.compile(r"(?:[加添减多少]了?|再加)\s*$")
"""Before a count that starts a group: a change (加一个人), not a total, when a total follows."""
_PRICE = re.compile(r"(?:钱|块|元)\s*$")
"""Before a count: a price per head (多少钱一个人), never a head count."""
_Group = tuple[int, int, int, str]
"""start, end, count, pattern kind (count, total, dai, ...)."""
_MAX_GAP = 3
_GAP_CHARS = re.compile(r"^[\s,，、和跟与及还有再加另外]*$")
MAX_PASSENGERS = 99


class PassengerExtractor(EntityExtractor):
    """Entity `passengers` (int) from head counts in the text."""

    name = "PassengerExtractor"

    def extract(self, text: str, *, now: datetime | None = None) -> list[Entity]:
        if not isinstance(text, str) or not text:
            return []
        matches = [(m.start(), -m.end(), kind, m) for kind, rx in _PATTERNS for m in rx.finditer(text)]
        groups: list[_Group] = []
        for start, neg_end, kind, m in sorted(matches, key=lambda t: (t[0], t[1])):
            if groups and start < groups[-1][1]:
                continue
            count = self._count(m, kind)
            if count is not None and 0 < count <= MAX_PASSENGERS:
                # a new total keeps its verb (人数改成|四个) outside the span: the intent needs it
                span_start = m.start("n") if kind == "total" else start
                groups.append((span_start, -neg_end, count, kind))
        clusters = []
        changes = []
        for cluster in self._clusters(text, groups):
            before = text[max(0, cluster[0][0] - 3) : cluster[0][0]]
            if _PRICE.search(before):
                continue
            (changes if _CHANGE.search(before) else clusters).append(cluster)
        entities = []
        for cluster in clusters or changes:
            base = [g[2] for g in cluster if g[3] != "dai"]
            extra = sum(g[2] for g in cluster if g[3] == "dai")
            value = sum(base) + extra if base else 1 + extra
            if value > MAX_PASSENGERS:
                continue
            entities.append(
                Entity(
                    entity="passengers",
                    value=value,
                    start=cluster[0][0],
                    end=cluster[-1][1],
                    extractor=self.name,
                    confidence=1.0 if base else 0.8,
                )
            )
        return entities

    @staticmethod
    def _count(m: re.Match[str], kind: str) -> int | None:
        if kind == "alone":
            return 1
        if kind == "pair":
            return 2
        n = m.group("n")
        if kind == "dai" and n is None:
            return 1
        value = cn_to_int(n) if n else None
        if kind == "big_small" and value is not None:
            small = cn_to_int(m.group("m"))
            return None if small is None else value + small
        return value

    @staticmethod
    def _clusters(text: str, groups: list[_Group]) -> list[list[_Group]]:
        clusters: list[list[_Group]] = []
        for group in groups:
            if clusters and group[3] != "total":
                last = clusters[-1][-1]
                gap = text[last[1] : group[0]]
                if len(gap) <= _MAX_GAP and _GAP_CHARS.match(gap):
                    clusters[-1].append(group)
                    continue
            clusters.append([group])
        return clusters
