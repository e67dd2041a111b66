"""In Chromium: a supervisor takes a complaint from 受理 to 结案 through every state of the
12328 workflow (派单, 处理中, 升级, 办结, 回访, 重新办理, 结案), the resolution and the
follow-up question reach the citizen's phone, and the ticket shows up in the figures."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from backend.models import Complaint
from backend.services.agents import accounts as agents
from backend.services.complaints import records as complaints
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "qingliu-12328"
PHONE = "+8613905981234"


def step(page: Page, state: str, button: str, **fields: str) -> None:
    form = page.locator(f"form.step-{state}")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.get_by_role("button", name=button).click()


def follow_up(page: Page, score: str, note: str) -> None:
    page.get_by_role("button", name="在群众的渠道上发送回访问题").click()
    expect(page.locator(".flash")).to_contain_text("回访问题已通过短信发出")
    page.get_by_label(score).check()
    page.get_by_placeholder("备注（可不填）").last.fill(note)
    page.get_by_role("button", name="记录回访结果").click()


def test_a_complaint_from_received_to_closed_and_into_the_figures(page: Page, live: LiveServer) -> None:
    with live.runtime.unit_of_work() as session:
        agents.create_agent(
            session, username="chen", password=PASSWORD, role="supervisor", display_name="陈丽"
        )
        ticket = complaints.open_complaint(
            session,
            category="driver",
            description="清三线闽GZ9415的司机一路打电话，还骂老人走得慢",
            contact_phone="13905981234",
            channel="sms",
            plate="闽GZ9415",
            place="嵩口",
        ).id

    sign_in(page, live, "chen", PASSWORD)
    page.get_by_role("link", name="投诉工单").click()
    page.get_by_label("状态").select_option("received")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=ticket).click()
    expect(page.locator(".words-full")).to_have_text("清三线闽GZ9415的司机一路打电话，还骂老人走得慢")
    expect(page.locator("body")).to_contain_text("温水生")  # the vehicle's driver
    badge = page.locator(".ticket-head .page-title .badge")
    expect(badge).to_have_text("受理")

    step(page, "assigned", "派单", assignee="县公交公司调度室", note="请核实行车记录仪")
    expect(badge).to_have_text("派单")
    step(page, "in_progress", "开始处理", note="调取了行车记录")
    expect(badge).to_have_text("处理中")
    step(page, "escalated", "升级督办", note="涉及辱骂乘客，报局里督办")
    expect(badge).to_have_text("升级")
    step(page, "in_progress", "开始处理")
    expect(badge).to_have_text("处理中")
    step(page, "resolved", "办结并答复群众", resolution="已对司机批评教育并停岗学习三天。")
    expect(badge).to_have_text("办结")
    expect(page.locator(".flash")).to_contain_text("办结答复已发给群众（短信）")
    live.gateway.wait_for(PHONE, "已对司机批评教育并停岗学习三天")

    follow_up(page, "2 不满意", "群众认为处理太轻")
    expect(badge).to_have_text("重新办理")
    live.gateway.wait_for(PHONE, "请回复1到5打分")
    step(page, "in_progress", "开始处理")
    step(page, "resolved", "办结并答复群众", resolution="司机已调离清三线，并向您当面道歉。")
    expect(badge).to_have_text("办结")
    follow_up(page, "5 非常满意", "群众满意")
    expect(badge).to_have_text("回访")
    step(page, "closed", "结案", note="回访满意，结案")
    expect(badge).to_have_text("结案")
    expect(page.locator(".panel", has_text="下一步")).to_contain_text("工单已结案")

    history = page.locator("ol.timeline")
    for label in ("受理", "派单", "处理中", "升级", "办结", "回访", "重新办理", "结案"):
        expect(history).to_contain_text(label)
    expect(history.locator("li")).to_have_count(12)
    with live.runtime.unit_of_work() as session:
        closed = session.get(Complaint, ticket)
        assert closed is not None and (closed.state, closed.satisfaction) == ("closed", 5)
        assert {t.by for t in closed.transitions[1:]} == {"chen"}

    page.get_by_role("link", name="统计报表").click()
    cards = page.locator(".cards")
    expect(cards.locator(".card", has_text="工单总数")).to_contain_text("1")
    expect(cards.locator(".card", has_text="平均满意度")).to_contain_text("5")
    expect(cards.locator(".card", has_text="按期办结率")).to_contain_text("100%")
    expect(page.locator("section", has_text="按状态").locator("tr", has_text="结案")).to_contain_text("1")
    expect(page.locator("svg.chart rect.bar-resolved")).not_to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    csv_text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123
    assert "状态,结案,1" in csv_text and "乡镇,嵩口镇,1" in csv_text
