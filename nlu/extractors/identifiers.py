"""Tracking numbers, carriers, phone numbers, vehicle plates, booking and ticket ids.

Runs of Latin letters and digits are classified by format (upper-cased, spaces and hyphens
inside a number dropped): B+yyyymmdd+4 digits is a booking id, C+yyyymmdd+3 digits a ticket
id, 1[3-9]+9 digits (optionally +86) a mobile phone, "尾号/后四位 1234" a phone tail. Tracking
numbers and the carrier their format implies: UPU S10 (2 letters, 8 digits, check digit,
country; check digit verified, weights 8 6 4 2 3 5 9 7) ending CN and 13-digit EMS numbers
starting with 1 -> 中国邮政; SF+12..15 digits -> 顺丰; JT+13 digits -> 极兔; JD+0..2 letters+10..15
digits -> 京东; YT+13 digits -> 圆通; 73/75+12 digits -> 中通; 77+13 digits -> 申通; 31/43/46+13
digits -> 韵达. An S10 number with a wrong check digit is still reported as tracking_no but
with confidence 0.6, `additional_info.valid = False` and no carrier. Any other run of 10-20
characters with at least 8 digits is a tracking_no (confidence 0.6, no carrier) only when
the message talks about parcels (then also when read out in digit groups, 7712 3456 7890) or
is nothing but that number (12 or more digits). A carrier named in words (邮政, EMS, 顺丰, 极兔 ...) is
reported as such; the number-implied carrier is added only when no carrier is named.
Plates: province + letter + 5 characters (6 for new-energy plates), separators dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from nlu.extractors.base import Entity, EntityExtractor

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
_RUN = re.compile(r"(?<![A-Za-z0-9])\+?[A-Za-z0-9]+(?:[ \-]\+?[A-Za-z0-9]+)*(?![A-Za-z0-9])")
_PART = re.compile(r"\+?[A-Za-z0-9]+")
_MAX_JOIN = 6
_PHONE_TAIL = re.compile(r"(?:尾号|末尾|后四位|后4位|末四位|末4位)\D{0,4}?(?<![0-9])([0-9]{4})(?![0-9])")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(rf"([{_PROVINCES}])\s?([A-Za-z])\s?[·•・.\-\s]?\s?([A-Za-z0-9]{{5,6}})(?![A-Za-z0-9])")
_PARCEL_WORDS = re.compile(r"快递|单号|运单|包裹|邮件|寄|取件|物流|件")
_CARRIER_WORDS = [
    (
        "中国邮政",
        r"中国邮政|邮政(?:快递|速递|EMS)?|(?<![A-Za-z])(?:EMS|ems|Ems)(?![A-Za-z])|邮局|E邮宝|e邮宝",
    ),
    ("顺丰", r"顺丰(?:快递|速运|速递)?|(?<![A-Za-z])(?:SF|sf)快递"),
    ("中通", r"中通(?:快递|速递)?(?!过)"),
    ("圆通", r"圆通(?:快递|速递)?"),
    ("申通", r"申通(?:快递|速递)?"),
    ("韵达", r"韵达(?:快递|速递)?"),
    ("极兔", r"极兔(?:快递|速递)?|J&T|j&t"),
    ("京东", r"京东(?:快递|物流)?"),
]
_CARRIER = re.compile("|".join(f"(?P<c{i}>{rx})" for i, (_, rx) in enumerate(_CARRIER_WORDS)))
_FORMATS = [
    ("顺丰", re.compile(r"SF\d{12,15}")),
    ("极兔", re.compile(r"JT\d{13}")),
    ("京东", re.compile(r"JD[A-Z]{0,2}\d{10,15}")),
    ("圆通", re.compile(r"YT\d{13}")),
    ("中通", re.compile(r"7[35]\d{12}")),
    ("申通", re.compile(r"77\d{13}")),
    ("韵达", re.compile(r"(?:31|43|46)\d{13}")),
    ("中国邮政", re.compile(r"1\d{12}")),
]
_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_BOOKING = re.compile(r"B(\d{8})\d{4}")
_TICKET = re.compile(r"C(\d{8})\d{3}")
_MIN_ALONE = 12
"""A message that is only a number of at least this many digits is read as a tracking number."""
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit for the 8-digit serial number."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def _is_date(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return True


class IdentifierExtractor(EntityExtractor):
    """Entities tracking_no, carrier, phone, plate, booking_id, ticket_id."""

    name = "IdentifierExtractor"

    def extract(self, text: str, *, now: datetime | None = None) -> list[Entity]:
        if not isinstance(text, str) or not text:
            return []
        norm = text.translate(_FULL_WIDTH)
        out: list[Entity] = []
        taken = [False] * len(text)
        for m in _PLATE.finditer(norm):
            plate = self._plate(m)
            if plate:
                out.append(self._entity("plate", plate, m.start(), m.end()))
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
        carriers = [
            self._entity(
                "carrier",
                _CARRIER_WORDS[int((m.lastgroup or "c0")[1:])][0],
                m.start(),
                m.end(),
                method="word",
            )
            for m in _CARRIER.finditer(norm)
            if not any(taken[m.start() : m.end()])
        ]
        out += carriers
        parcel_context = bool(carriers) or bool(_PARCEL_WORDS.search(norm))
        for m in _PHONE_TAIL.finditer(norm):
            out.append(self._entity("phone", m.group(1), m.start(1), m.end(1), method="tail"))
            taken[m.start(1) : m.end(1)] = [True] * 4
        for m in _RUN.finditer(norm):
            if not any(taken[m.start() : m.end()]):
                digits = m.group(0).replace(" ", "").replace("-", "")
                alone = (
                    digits.isdigit()
                    and len(digits) >= _MIN_ALONE
                    and not any(ch.isalnum() for ch in norm[: m.start()] + norm[m.end() :])
                )
                out += self._scan_run(norm, m, parcel_context or alone, bool(carriers))
        out.sort(key=lambda e: (e.start, e.entity))
        return out

    def _entity(
        self, kind: str, value: str, start: int, end: int, confidence: float = 1.0, **info: object
    ) -> Entity:
        return Entity(kind, value, start, end, self.name, confidence, dict(info))

    @staticmethod
    def _plate(m: re.Match[str]) -> str | None:
        province, letter, rest = m.group(1), m.group(2).upper(), m.group(3).upper()
        if not any(c.isdigit() for c in rest):
            return None
        if len(rest) == 6 and not (rest[0] in "DF" or rest[-1] in "DF"):
            return None
        return province + letter + rest

    def _scan_run(
        self, text: str, run: re.Match[str], parcel_context: bool, carrier_named: bool
    ) -> list[Entity]:
        """Split a run at spaces/hyphens and join neighbouring parts when that makes a known format."""
        parts = [(run.start() + p.start(), run.start() + p.end()) for p in _PART.finditer(run.group(0))]
        found: list[Entity] = []
        i = 0
        while i < len(parts):
            for j in range(min(len(parts), i + _MAX_JOIN), i, -1):
                start, end = parts[i][0], parts[j - 1][1]
                grouped = all(text[a:b].isdigit() for a, b in parts[i:j]) and all(
                    b - a >= 3 for a, b in parts[i : j - 1]
                )
                entities = self._classify(
                    text[start:end], start, end, parcel_context and (j == i + 1 or grouped), carrier_named
                )
                if entities:
                    found += entities
                    i = j
                    break
            else:
                i += 1
        return found

    def _classify(
        self, raw: str, start: int, end: int, generic_ok: bool, carrier_named: bool
    ) -> list[Entity]:
        """Entities for one candidate number (`raw` may hold spaces/hyphens); [] if none fits."""
        token = re.sub(r"[ \-+]", "", raw).upper()
        if len(token) > 30:
            return []
        if (b := _BOOKING.fullmatch(token)) and _is_date(b.group(1)):
            return [self._entity("booking_id", token, start, end)]
        if (c := _TICKET.fullmatch(token)) and _is_date(c.group(1)):
            return [self._entity("ticket_id", token, start, end)]
        if phone := _MOBILE.fullmatch(token):
            return [self._entity("phone", phone.group(1), start, end, method="mobile")]
        if len(token) < 10:
            return []
        if s10 := _S10.fullmatch(token):
            valid = s10_check_digit(s10.group(2)) == int(s10.group(3))
            found = [
                self._entity(
                    "tracking_no", token, start, end, 1.0 if valid else 0.6, format="S10", valid=valid
                )
            ]
            if valid and s10.group(4) == "CN" and not carrier_named:
                found.append(self._entity("carrier", "中国邮政", start, end, method="format"))
            return found
        for carrier, rx in _FORMATS:
            if rx.fullmatch(token):
                found = [self._entity("tracking_no", token, start, end, format=carrier)]
                if not carrier_named:
                    found.append(self._entity("carrier", carrier, start, end, method="format"))
                return found
        if generic_ok and sum(ch.isdigit() for ch in token) >= 8 and len(token) <= 20:
            return [self._entity("tracking_no", token, start, end, 0.6, format="unknown")]
        return []
