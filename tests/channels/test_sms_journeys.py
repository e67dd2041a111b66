"""A journey with changes by SMS: each leg in short typed values (time, board stop, route,
arrival, alight stop, the wait before it), a template per number of legs, so a long stop name
is one value of its own and the answer still goes out."""

from __future__ import annotations

import pytest

from channels.sms_templates import MAX_VARIABLE, TemplateRegistry

REGISTRY = TemplateRegistry.load()
LONG_STOP = "清流县嵩溪镇客货邮综合服务站对面的老供销社门口临时停靠点"[:30]


def leg(dep: str, board: str, route: str, arr: str, alight: str, wait: int | None = None) -> str:
    return (f"等{wait}分钟，" if wait else "") + f"{dep}在{board}乘{route}，{arr}到{alight}"


@pytest.mark.parametrize(
    ("fare", "name"), [("车费共30元", "journey_plan_3"), ("部分上车买票", "journey_plan_3__fare_unknown")]
)
def test_three_legs_with_long_stop_names_are_one_template(fare: str, name: str) -> None:
    legs = [
        leg("明天(11月21日)08:05", "嵩溪镇", "2路", "08:59", LONG_STOP),
        leg("09:10", LONG_STOP, "4路", "09:56", "清流县汽车站", wait=11),
        leg("10:30", "清流县汽车站", "10路", "11:20", "余朋乡", wait=34),
    ]
    text = "嵩溪镇→余朋乡换乘2次：" + "，".join([*legs, fare]) + "。订座请回复数字\n回复1 订08:05"
    uses = REGISTRY.compose(text)
    assert uses is not None and [u.template.name for u in uses] == [name, "options_1"]
    values = uses[0].values
    assert (values["alight_1"], values["board_2"], values["wait_3"], values["route_3"]) == (
        LONG_STOP,
        LONG_STOP,
        "34",
        "10路",
    )
    assert all(0 < len(v) <= MAX_VARIABLE for v in values.values())


def test_a_booked_journey_names_its_orders_and_legs() -> None:
    text = "订好了！订单号B202611200001、B202611200002，嵩溪镇→灵地镇换乘1次：" + "，".join([
        leg("今天(11月20日)11:05", "嵩溪镇", "2路", "11:59", "清流县汽车站"),
        leg("12:10", "清流县汽车站", "4路", "12:56", "灵地镇", wait=11), "车费共42元",
    ])  # fmt: skip
    uses = REGISTRY.compose(text)
    assert uses is not None and [u.template.name for u in uses] == ["journey_booked_2"]
    assert uses[0].values["ids"] == "B202611200001、B202611200002" and uses[0].values["dep_2"] == "12:10"
