"""Cutting free text for consecutive SMS: in order, nothing lost or added, every piece within
its limit and never blank, cut where a reader can pause when there is such a place."""

from __future__ import annotations

import pytest

from channels.sms_parts import cut
from channels.sms_templates import TemplateRegistry, joined

TEXTS = [
    "好的",
    "您好，车已经安排好了，明天早上七点半在嵩口镇汽车站门口上车，司机姓王，电话13905981234，请提前十分钟到。",
    "中国邮政EC872057015CN：运输中：快件已离开广州市转运中心，发往三明转运中心（11月19日 18:00），将送到龙津镇客货邮综合服务站",
    "没有标点的一长串文字" * 12,
    "第一行\n第二行比较长一些，有逗号，也有句号。\n第三行",
    "A" * 35 + "B",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("first", "limit"), [(35, 35), (20, 35), (35, 10)])
def test_pieces_rejoin_to_the_text_and_fit(text: str, first: int, limit: int) -> None:
    pieces = cut(text, first, limit)
    assert "".join(pieces) == text
    assert len(pieces[0]) <= first and all(len(piece) <= limit for piece in pieces[1:])
    assert all(piece.strip() for piece in pieces)
    assert len(pieces) == 1 or len(text) > first


def test_a_piece_ends_after_punctuation_when_it_can() -> None:
    pieces = cut(TEXTS[1], 35, 35)
    assert pieces == [
        "您好，车已经安排好了，明天早上七点半在嵩口镇汽车站门口上车，司机姓王，",
        "电话13905981234，请提前十分钟到。",
    ]
    assert cut("没有标点的一长串文字" * 4, 35, 35)[0] == ("没有标点的一长串文字" * 4)[:35]  # else a hard cut


def test_parts_are_numbered_in_order_and_the_numbers_are_never_side_by_side() -> None:
    registry = TemplateRegistry.load()
    for name in ("agent_reply_more", "more"):
        content = registry.templates[name].content
        assert "${part}/${parts}" in content and "${parts}）：${content}" in content  # fixed words between
    uses = registry.compose("提示：" + TEXTS[3])
    assert uses is not None and joined(uses) == "提示：" + TEXTS[3]
    assert [u.values["part"] for u in uses[1:]] == [str(n) for n in range(2, len(uses) + 1)]
    assert {u.values["parts"] for u in uses[1:]} == {str(len(uses))}
