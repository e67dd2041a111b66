"""Chinese date and time expressions, resolved to ISO 8601 (Asia/Shanghai) against `now`.

Pieces are found by one regex (day words 今天/明天/后天/大后天, 明早/今晚, 周六/下周一/这周五/礼拜天,
11月25号, 25号, 下个月3号; periods 凌晨/早上/上午/中午/下午/傍晚/晚上/夜里 and the dialect
后晌/上晌/擦黑, but not a duration 等了一上午; clock times 8点, 八点半, 八点一刻, 三点四十, 十点钟,
8:30; relative 半小时后, 一个小时后, 10分钟后, 3天后) and adjacent pieces are
joined (day, then period, then clock: 后天下午两点半). Rules, in order:

- a clock time gives `minute` grain; a period alone gives `hour` grain at its default hour
  (凌晨 05, 早上/明早 08, 上午 09, 中午 12, 下午 15, 傍晚 18, 晚上/今晚 19, 夜里 21, 半夜 23); a day
  alone gives `day` grain at 00:00;
- a period turns a 12-hour clock into 24 hours (下午两点 14:00, 晚上7点 19:00, 中午1点 13:00,
  晚上12点 = next day 00:00, 凌晨12点 = 00:00);
- an explicit day keeps the hour as said from 6 to 12 (明天7点 = 07:00), but a bare 1 to 5
  o'clock is the afternoon (后天三点半 = 15:30: no rides run at 03:30; say 凌晨 for the night),
  and 今天 with a bare hour that has passed means the afternoon one (今天8点 at 09:00 = 20:00);
- a bare clock time (no day, no period) means the next such time: if it has passed today and
  is below 12, the same hour +12 if that is still ahead today, else tomorrow (8点 at 09:00 = 20:00,
  10点 at 09:00 = 10:00, 8点 at 21:00 = tomorrow 08:00, 14点 at 15:00 = tomorrow 14:00);
- a period with a clock time but no day rolls to tomorrow if it has passed (早上7点 at 09:00);
  a period alone means today unless the period is over (早上 at 09:00 = tomorrow 08:00);
- a clock time or period without a day later in the message takes the day (and, if that
  expression had no clock time, the period) of the latest earlier one: 明天去县城，8点出发 gives
  8点 = tomorrow 08:00 only (the day-only 明天 is merged into it, and so is a period such as
  明天早上…十点 = 10:00); 明天下午去，3点前到 gives 3点 = tomorrow 15:00;
- bare weekdays are the next such day, today included (周五 on a Friday = today); 这周X is
  this week's (Monday-based), 下周X next week's; 25号 is this month unless passed, 11月25号 this
  year unless passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nlu.extractors.base import Entity, EntityExtractor
from nlu.extractors.numbers import cn_to_int

TZ = ZoneInfo("Asia/Shanghai")

_DAY_WORDS = {
    "今天": 0, "今日": 0, "今儿个": 0, "今儿": 0, "今个": 0, "明天": 1, "明日": 1, "明儿个": 1, "明儿": 1,
    "明个": 1, "后天": 2, "後天": 2, "大后天": 3, "大後天": 3, "昨天": -1, "前天": -2,
}  # fmt: skip
_COMPOUNDS = {
    "今早": (0, "早上"), "今晨": (0, "早上"), "今晚": (0, "晚上"), "今夜": (0, "夜里"),
    "明早": (1, "早上"), "明晨": (1, "早上"), "明晚": (1, "晚上"), "明夜": (1, "夜里"), "昨晚": (-1, "晚上"),
    "今早上": (0, "早上"), "今晚上": (0, "晚上"), "明早上": (1, "早上"), "明晚上": (1, "晚上"), "昨晚上": (-1, "晚上"),
}  # fmt: skip
# word -> (class, default hour, hour at which the period is over)
_PERIODS = {
    "凌晨": ("dawn", 5, 6), "一大早": ("morning", 8, 9), "清早": ("morning", 8, 9), "清晨": ("morning", 8, 9),
    "一早": ("morning", 8, 9), "早上": ("morning", 8, 9), "早晨": ("morning", 8, 9), "早": ("morning", 8, 9),
    "上午": ("forenoon", 9, 12), "中午": ("noon", 12, 13), "晌午": ("noon", 12, 13), "下午": ("afternoon", 15, 18),
    "午后": ("afternoon", 15, 18), "后晌": ("afternoon", 15, 18), "下晌": ("afternoon", 15, 18),
    "上晌": ("forenoon", 9, 12), "前晌": ("forenoon", 9, 12), "傍黑": ("dusk", 18, 19), "擦黑": ("dusk", 18, 19), "傍晚": ("dusk", 18, 19), "晚上": ("evening", 19, 24), "晚间": ("evening", 19, 24),
    "晚": ("evening", 19, 24), "夜里": ("night", 21, 24), "夜间": ("night", 21, 24), "夜": ("night", 21, 24),
    "半夜": ("night", 23, 24), "深夜": ("night", 23, 24),
}  # fmt: skip
_WEEKDAYS = (
    {c: i for i, c in enumerate("一二三四五六")}
    | {"日": 6, "天": 6, "7": 6}
    | {str(i + 1): i for i in range(6)}
)
_WEEK_SHIFT = {"这": 0, "这个": 0, "本": 0, "下": 1, "下个": 1, "下下": 2, "下下个": 2, "上": -1, "上个": -1}

_NUM = r"(?:[零〇一二两三四五六七八九十]{1,3}|[0-9]{1,2})"
_NB = r"(?<![0-9零〇一二两三四五六七八九十百.:A-Za-z第])"
_STOP_MIN = r"(?![0-9零〇一二两三四五六七八九十个人位张块元号天岁口名辆件次趟遍班])"
_TOKEN = re.compile(
    rf"""
    (?P<rel>(?P<rel_pass>过)?(?:{_NB}(?P<rel_n>{_NUM})个?(?P<rel_half>半)?|(?P<rel_h0>半)个?)
        (?P<rel_unit>小时|钟头|分钟|天)(?P<rel_after>以后|之后|后)?)
  | (?P<nm>下个?月(?P<nm_d>{_NUM})(?:号|日))
  | (?P<md>{_NB}(?:(?P<md_y>[0-9]{{4}})年)?(?P<md_m>{_NUM})月(?P<md_d>{_NUM})(?:号|日)?)
  | (?P<cmp>{"|".join(sorted(_COMPOUNDS, key=len, reverse=True))})
  | (?P<day>(?<![之以然最落往向背])(?:{"|".join(sorted(_DAY_WORDS, key=len, reverse=True))})(?![气生性然才]))
  | (?P<wk>(?<![每一二两三四五六七八九十0-9几])(?P<wk_mod>下下个?|下个?|这个?|本|上个?)?(?:周|星期|礼拜)
        (?P<wk_d>[一二三四五六日天1-7])(?![次回遍趟]))
  | (?P<wkend>(?P<we_mod>这个?|本|下个?)?周末)
  | (?P<dom>{_NB}(?<!月)(?P<dom_d>{_NUM})(?:号|日)(?![车线楼门位座房窗口台站机路码元]))
  | (?P<per>(?<!整)(?<!一个)(?<!整个)(?<![^周期拜]一)(?<!^一)(?!一早[上晨])(?:一大早|凌晨|清早|清晨|一早|早上|早晨|上午|中午|晌午|下午|午后
        |后晌|下晌|上晌|前晌|傍黑|擦黑|傍晚
        |晚上|晚间|夜里|夜间|半夜|深夜))(?!好)
  | (?P<per1>(?<!整)(?<!一个)(?<!整个)(?<![^周期拜]一)(?<!^一)[早晚夜])(?![点些安饭餐班车了上间晨一])
  | (?P<cc>(?<![0-9])(?P<cc_h>[01]?[0-9]|2[0-4])[:：](?P<cc_m>[0-5][0-9])(?![0-9]))
  | (?P<ck>(?:{_NB}|(?<=[周期拜][一二三四五六日天]))(?P<ck_h>{_NUM})(?:点钟|点|时)
        (?:(?P<ck_half>半)|(?P<ck_q>一刻|1刻|三刻|3刻)|(?P<ck_m>零?{_NUM})(?:分钟|分|{_STOP_MIN}))?(?P<ck_z>钟)?)
    """,
    re.VERBOSE,
)
_DIGITS = str.maketrans("０１２３４５６７８９：", "0123456789:")
_GAP = re.compile(r"[\s的,，]{0,2}")
_NOT_CLOCK_BEFORE = frozenset("有这那差快慢早晚多少好近远大小高低强弱贵第")
_AGREED = ("说好", "约好", "讲好", "定好", "订好", "讲定", "约定", "说定")
"""说好九点 / 约好八点: the 好 of an agreement, not 好一点 "a bit better"."""
_ONE_OCLOCK_AFTER = ("的车", "的班", "出发", "发车", "开", "走", "左右", "前", "以前", "之前", "前后", "到")


@dataclass
class _Group:
    start: int
    end: int
    day: date | None = None
    today_word: bool = False
    period: str | None = None
    clock: tuple[int, int] | None = None
    last: str = "date"
    only_clock: bool = True
    valid: bool = True
    weekday_seen: bool = False
    absorbed: bool = False
    """A later clock time took this day (明天去县城，8点出发): only the later one is reported."""
    emitted: Entity | None = None


class TimeExtractor(EntityExtractor):
    """Entities `time`: ISO 8601 value with +08:00, additional_info {"grain": minute|hour|day}."""

    name = "TimeExtractor"

    def extract(self, text: str, *, now: datetime | None = None) -> list[Entity]:
        if not isinstance(text, str) or not text:
            return []
        ref = _reference(now)
        norm = text.translate(_DIGITS)
        entities: list[Entity] = []
        group: _Group | None = None
        context: list[_Group] = []  # the latest group that named a day
        for m in _TOKEN.finditer(norm):
            kind = m.lastgroup or ""
            if kind == "rel":
                entities += self._flush(group, norm, ref, context)
                group = None
                entities += self._relative(m, ref)
                continue
            if group is not None and self._attaches(group, kind, norm, m):
                self._add_safely(group, kind, m, ref)
                continue
            entities += self._flush(group, norm, ref, context)
            group = None
            if kind != "per1":
                group = _Group(m.start(), m.end())
                self._add_safely(group, kind, m, ref)
        entities += self._flush(group, norm, ref, context)
        absorbed = [id(g.emitted) for g in context if g.absorbed and g.emitted is not None]
        return [e for e in entities if id(e) not in absorbed]

    @staticmethod
    def _attaches(group: _Group, kind: str, text: str, m: re.Match[str]) -> bool:
        gap = text[group.end : m.start()]
        family = _family(kind)
        if kind == "per1":
            return not gap and group.last == "date" and group.period is None and group.clock is None
        if not _GAP.fullmatch(gap):
            return False
        if kind == "wk":
            return (
                group.last == "date"
                and group.period is None
                and group.clock is None
                and not group.weekday_seen
            )
        if family == "period" and group.period is not None:
            return False
        return _RANK[family] > _RANK[group.last]

    def _add_safely(self, group: _Group, kind: str, m: re.Match[str], ref: datetime) -> None:
        try:
            self._add(group, kind, m, ref)
        except (OverflowError, ValueError):  # dates beyond year 9999 and the like
            group.valid = False

    def _add(self, group: _Group, kind: str, m: re.Match[str], ref: datetime) -> None:
        family = _family(kind)
        group.end = m.end()
        group.only_clock = group.only_clock and family == "clock"
        if kind == "wk" and group.day is not None:
            group.weekday_seen = True  # 11月25号周三: the date already says it
            return
        group.last = family
        today = ref.date()
        if kind == "day":
            offset = _DAY_WORDS[m.group("day")]
            group.day, group.today_word = today + timedelta(days=offset), offset == 0
        elif kind == "cmp":
            offset, period = _COMPOUNDS[m.group("cmp")]
            group.day, group.period = today + timedelta(days=offset), period
        elif kind == "wk":
            group.day, group.weekday_seen = (
                _weekday(today, m.group("wk_mod"), _WEEKDAYS[m.group("wk_d")]),
                True,
            )
        elif kind == "wkend":
            group.day = _weekday(today, m.group("we_mod"), 5)
        elif kind == "md":
            group.day = _month_day(today, m.group("md_y"), m.group("md_m"), m.group("md_d"))
        elif kind == "nm":
            month_start = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            group.day = _month_day(month_start, None, None, m.group("nm_d"))
        elif kind == "dom":
            group.day = _month_day(today, None, None, m.group("dom_d"))
        elif kind in ("per", "per1"):
            group.period = m.group(kind)
        elif kind == "cc":
            group.clock = (int(m.group("cc_h")), int(m.group("cc_m")))
        elif kind == "ck":
            group.clock = _clock(m)
        if (family == "date" and group.day is None) or (family == "clock" and group.clock is None):
            group.valid = False

    def _flush(self, group: _Group | None, text: str, ref: datetime, context: list[_Group]) -> list[Entity]:
        if group is None or not group.valid:
            return []
        if group.only_clock and not self._plausible_clock(group, text):
            return []
        if group.day is None and context:
            earlier = context[-1]  # 明天去县城，8点出发: the 8点 is tomorrow's
            group.day, group.today_word = earlier.day, earlier.today_word
            if group.period is None and earlier.clock is None:
                group.period = earlier.period
            if earlier.clock is None and group.clock is not None and earlier.period in (None, group.period):
                earlier.absorbed = True  # one time said in two pieces, not two times
        elif group.day is not None:
            context.append(group)
        if group.clock is None and group.period is None and group.day is None:
            return []
        try:
            value, grain = _resolve(group, ref)
        except (OverflowError, ValueError):
            return []
        if value is None:
            return []
        group.emitted = Entity("time", value.isoformat(), group.start, group.end, self.name, 1.0, {"grain": grain})
        return [group.emitted]

    @staticmethod
    def _plausible_clock(group: _Group, text: str) -> bool:
        """A lone Chinese-numeral hour like 一点/两点 is often "a bit"/"two points", not a time."""
        if group.clock is None:
            return False
        piece = text[group.start : group.end]
        if piece[0].isdigit() or not piece.endswith("点"):
            return True
        if group.start > 0 and text[group.start - 1] in _NOT_CLOCK_BEFORE:
            agreed = piece != "一点" and text[: group.start].endswith(_AGREED)
            return agreed or (piece != "一点" and text.startswith(_ONE_OCLOCK_AFTER, group.end))
        if piece == "一点":
            return text.startswith(_ONE_OCLOCK_AFTER, group.end) or (
                group.start > 0 and text[group.start - 1] in "在于等约是"
            )
        return True

    def _relative(self, m: re.Match[str], ref: datetime) -> list[Entity]:
        if not (m.group("rel_pass") or m.group("rel_after")):
            return []
        n = 0 if m.group("rel_h0") else cn_to_int(m.group("rel_n") or "")
        if n is None:
            return []
        half = 0.5 if (m.group("rel_half") or m.group("rel_h0")) else 0.0
        unit = m.group("rel_unit")
        try:
            if unit == "天":
                if half or n > 366:
                    return []
                value, grain = datetime.combine(ref.date() + timedelta(days=n), time(0), TZ), "day"
            else:
                minutes = (n + half) * (1 if unit == "分钟" else 60)
                if minutes > 60 * 24 * 7:
                    return []
                value, grain = (ref + timedelta(minutes=minutes)).replace(second=0), "minute"
        except OverflowError:
            return []
        return [Entity("time", value.isoformat(), m.start(), m.end(), self.name, 1.0, {"grain": grain})]


_RANK = {"date": 0, "period": 1, "clock": 2}
EARLY_BARE_HOUR = 5
"""后天三点半 means 15:30: a bare hour up to this one after a day word is taken as the afternoon."""


def _family(kind: str) -> str:
    if kind in ("per", "per1"):
        return "period"
    if kind in ("cc", "ck"):
        return "clock"
    return "date"


def _reference(now: datetime | None) -> datetime:
    if now is None:
        now = datetime.now(TZ)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=TZ)
    return now.astimezone(TZ).replace(second=0, microsecond=0)


def _weekday(today: date, mod: str | None, target: int) -> date:
    if mod is None:
        return today + timedelta(days=(target - today.weekday()) % 7)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * _WEEK_SHIFT[mod] + target)


def _month_day(today: date, year: str | None, month: str | None, day: str) -> date | None:
    """11月25号 (this year unless passed), 25号 (this month unless passed; else the next month having it)."""
    d = cn_to_int(day)
    mo = cn_to_int(month) if month else None
    if d is None or not 1 <= d <= 31 or (month and (mo is None or not 1 <= mo <= 12)):
        return None
    if mo is not None:
        for y in (int(year),) if year else (today.year, today.year + 1):
            try:
                result = date(y, mo, d)
            except ValueError:
                continue
            if year or result >= today:
                return result
        return None
    for k in range(3):
        y, m0 = divmod(today.month - 1 + k, 12)
        try:
            result = date(today.year + y, m0 + 1, d)
        except ValueError:
            continue
        if result >= today:
            return result
    return None


def _clock(m: re.Match[str]) -> tuple[int, int] | None:
    h = cn_to_int(m.group("ck_h"))
    if m.group("ck_half"):
        minute: int | None = 30
    elif m.group("ck_q"):
        minute = 15 if m.group("ck_q")[0] in "一1" else 45
    else:
        minute = cn_to_int(m.group("ck_m")) if m.group("ck_m") else 0
    if h is None or minute is None or h > 24 or minute > 59:
        return None
    return h, minute


def _adjust(period: str, h: int) -> tuple[int, int]:
    """24-hour clock and day shift for an hour said with a period word."""
    cls = _PERIODS[period][0]
    if cls == "dawn":
        return (0 if h == 12 else h), 0
    if cls == "noon":
        return (h + 12 if 1 <= h <= 3 else h), 0
    if cls == "afternoon":
        return (h + 12 if 1 <= h <= 11 else h), 0
    if cls == "dusk":
        return (h + 12 if h < 12 else h), 0
    if cls in ("evening", "night"):
        if 5 <= h <= 11:
            return h + 12, 0
        if h == 12:
            return 0, 1
        return h, (1 if h <= 4 else 0)
    return h, 0


def _at(day: date, h: int, minute: int) -> datetime:
    return datetime.combine(day, time(0), TZ) + timedelta(hours=h, minutes=minute)


def _resolve(g: _Group, ref: datetime) -> tuple[datetime | None, str]:
    today = ref.date()
    if g.clock is None and g.period is None:
        return (_at(g.day, 0, 0) if g.day else None), "day"
    if g.clock is None:
        assert g.period is not None
        _, default, over = _PERIODS[g.period]
        day = g.day if g.day is not None else (today if ref.hour < over else today + timedelta(days=1))
        return _at(day, default, 0), "hour"
    h, minute = g.clock
    if g.period is not None:
        h, shift = _adjust(g.period, h)
        value = _at(g.day if g.day is not None else today, h, minute) + timedelta(days=shift)
        if g.day is None and value < ref:
            value += timedelta(days=1)
        return value, "minute"
    if g.day is not None:
        value = _at(g.day, h, minute)
        if (g.today_word and value < ref and h < 12) or (not g.today_word and 1 <= h <= EARLY_BARE_HOUR):
            value += timedelta(hours=12)
        return value, "minute"
    value = _at(today, h, minute)
    if value >= ref:
        return value, "minute"
    if h < 12 and value + timedelta(hours=12) >= ref:
        return value + timedelta(hours=12), "minute"
    return value + timedelta(days=1), "minute"
