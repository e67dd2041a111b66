"""The SMS template registry: the shipped file is valid, every dialog text SMS users can
get has a template, every dialog path walked in SMS style (the conversation stories, as
SMS) produces only texts that are instances of a template with all its variables within
their limits, notices too; a broken registry stops start-up with the template named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Citizen, Complaint, ComplaintTransition, Disruption
from backend.models.outbound import OutboundMessage
from backend.services.citizens import verification
from backend.services.notices import texts as notice_texts
from bot.processor import Processor
from bot.runtime import Runtime
from channels.buttons import text_blocks
from channels.messages import Message
from channels.sms_templates import CODE_KIND, MAX_VARIABLE, TemplateError, TemplateRegistry, joined
from dialogs.texts import TEXTS
from scripts.sms_templates import PIECES as SCRIPT_PIECES
from scripts.sms_templates import entry, extras
from tests.dialogs.test_stories import load_stories
from tests.utils.conversation import make_processor, make_store

pytestmark = pytest.mark.anyio
REGISTRY = TemplateRegistry.load()
PARTS: list[int] = []  # SMS per answer in the walk (see test_parts_per_answer_stay_few)
CODES: list[str] = []  # verification codes texted in the walk
SPOKEN_ONLY = {"recorded_story"}  # only ever said on the hotline
# parts of the departures / arrivals lists, parts of a variable (journey_other in journey_more's
# ${times}) or option labels (journey_book_option in ${options}), a booking line (trip_line, seat_line:
# their SMS wording stands in for ${line} in the templates; arrive_note for ${by}, complaint_reply for
# ${reply}, likewise), a shuttle timetable leg (shuttle_leg, a line of ${text}), never said alone
PIECES = {"departure_line", "arrival_line", "about", "rule_board_phone", "rule_board_driver", "rule_alight_phone",
          "rule_alight_driver", "parcel_code_sent", "parcel_code_in_person", "journey_other", "journey_book_option",
          "trip_line", "seat_line", "arrive_note", "complaint_reply", "shuttle_leg", "parcel_hours", "parcel_code",
          "parcel_dest", "journey_sms_leg", "journey_sms_change",
          "journey_head", "journey_head_direct", "journey_first_leg", "journey_next_leg", "journey_change", "journey_walk",
          "journey_tail", "journey_fare_unknown"}  # fmt: skip


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_every_short_dialog_text_has_a_template() -> None:
    missing = sorted(set(TEXTS) - SPOKEN_ONLY - PIECES - set(REGISTRY.templates))
    assert missing == [], "add them with: python -m scripts.sms_templates"


def test_the_helper_script_knows_the_same_pieces() -> None:
    assert SCRIPT_PIECES == PIECES | SPOKEN_ONLY


def test_every_dialog_template_has_the_wording_of_its_text() -> None:
    """A text reworded in dialogs/texts/ without its template is refused by the provider."""
    drifted = {
        name: (template.content, entry(name, 0)["content"])
        for name, template in REGISTRY.templates.items()
        if name in TEXTS and template.content != entry(name, 0)["content"]
    }
    assert drifted == {}
    wanted = {str(found["name"]): found["content"] for found in extras(0)}  # seat-line variants, list blocks
    assert {name: REGISTRY.templates[name].content for name in wanted} == wanted


def test_a_text_ending_in_free_text_continues_where_the_script_says() -> None:
    continued = {name for name, template in REGISTRY.templates.items() if name in TEXTS and template.more}
    assert continued == {name for name in REGISTRY.templates if name in TEXTS and entry(name, 0).get("more")}


def test_every_template_has_codes_for_both_providers() -> None:
    REGISTRY.check_provider("aliyun")
    REGISTRY.check_provider("tencent")


def assert_templated(text: str, where: str, *, single: bool = False) -> None:
    """`text` is a sequence of templates (lead-ins, the answer, one SMS per choice), each with
    every variable filled within its limit, that reads exactly as `text`."""
    uses = REGISTRY.compose(text)
    assert uses, f"{where}: no SMS template for {text!r}"
    assert not single or len(uses) == 1, f"{where}: a notice is one template, got {[u.template.name for u in uses]}"
    PARTS.append(len(uses))
    for use in uses:
        assert set(use.values) == set(use.template.params), where
        assert all(len(v) <= use.template.params[k] <= MAX_VARIABLE for k, v in use.values.items()), (where, use.values)
        assert all(v.strip() for v in use.values.values()), (where, "providers refuse an empty variable", use.values)
        assert not set(use.template.params) & {"lead", "options"}, where
        if use.template.kind == CODE_KIND:
            assert use.values["code"].isdigit() and 4 <= len(use.values["code"]) <= 6, (where, use.values)
    assert joined(uses) == text.removeprefix("【村通】"), where


@pytest.mark.parametrize("story", load_stories())
async def test_every_dialog_path_in_sms_style_maps_to_templates(story: dict[str, Any], runtime: Runtime) -> None:
    store, _ = make_store("memory")
    processor: Processor = make_processor(runtime, store)
    sender = f"139{abs(hash(story['name'])) % 10**8:08d}"
    for number, step in enumerate(story["steps"], start=1):
        if step.get("agent") == "return":
            with runtime.unit_of_work() as session:
                from backend.services.citizens import conversations

                waiting = conversations.active_handoff(session, conversation_id=f"sms:{sender}")
                if waiting is not None:
                    conversations.return_handoff(session, handoff_id=waiting.id, agent="agent-test")
        message = Message(
            channel="sms", sender=sender, text=str(step["user"]), received_at=datetime.now(UTC),
            message_id=step.get("message_id"),
        )  # fmt: skip
        replies = await processor.handle(message)
        for block in text_blocks(replies):
            assert_templated(block, f"{story['name']} step {number} ({step['user']!r})")
    with runtime.unit_of_work() as session:
        notices = session.scalars(select(OutboundMessage).where(OutboundMessage.channel == "sms")).all()
        for row in notices:
            if row.kind not in ("reply",):  # a verification code as the worker sends it (the row keeps it masked)
                body = verification.message_text(session, kind=row.kind, event_key=row.event_key, body=row.body)
                assert body is not None, (story["name"], row.kind)
                assert_templated(body, f"{story['name']}: notice {row.kind}", single=row.kind != "answer")
                CODES.extend([row.kind] if row.kind == CODE_KIND else [])
    await store.close()


def test_notices_map_to_templates(session: Session) -> None:
    person = Citizen(name="王奶奶", mobile="13905980777", sms_opt_out=False, preferred_channel="sms")
    session.add(person)
    session.flush()
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    complaint = Complaint(
        id="C20261120901", state="resolved", category="driver", description="司机态度差", citizen_id=person.id,
        created_at=now, first_response_due=now, resolution_due=now, resolution="已批评教育司机并回访",
    )  # fmt: skip
    session.add(complaint)
    session.flush()
    for state in ("received", "resolved"):
        transition = ComplaintTransition(complaint_id=complaint.id, from_state=None, to_state=state, by="t", at=now)
        session.add(transition)
        session.flush()
        notice = notice_texts.complaint_status(session, complaint=complaint, transition=transition, now=now)
        assert notice is not None
        assert_templated(notice.body, f"complaint {state}", single=True)
    follow = notice_texts.complaint_followup(session, complaint=complaint, now=now)
    assert follow is not None
    assert_templated(follow.body, "follow-up", single=True)
    outage = Disruption(
        title="嵩口至县城线停运", description="道路施工", starts_at=now, ends_at=now + timedelta(days=1),
    )  # fmt: skip
    session.add(outage)
    session.flush()
    stop = notice_texts.service_disruption(session, disruption=outage, citizen_id=person.id, now=now)
    assert_templated(stop.body, "disruption", single=True)


def test_agent_free_text_goes_in_the_generic_template_then_numbered_continuations() -> None:
    text = "您好，车已经安排好了，明天早上七点半在嵩口镇汽车站门口上车，司机姓王，电话13905981234，请提前十分钟到。"
    uses = REGISTRY.agent_reply(text)
    assert [u.render() for u in uses] == [
        "客服回复：您好，车已经安排好了，明天早上七点半在嵩口镇汽车站门口上车，司机姓王，",
        "客服回复（2/2）：电话13905981234，请提前十分钟到。",
    ]
    long = "请您稍等，我们正在联系司机。" * 8
    uses = REGISTRY.agent_reply(long)
    assert joined(uses) == "客服回复：" + long  # in order, nothing lost
    assert all(0 < len(u.values["content"]) <= MAX_VARIABLE for u in uses)
    assert [u.values.get("part") for u in uses[1:]] == [str(n) for n in range(2, len(uses) + 1)]
    assert all(u.values["parts"] == str(len(uses)) for u in uses[1:]) and len(uses) == 4
    assert [u.render() for u in REGISTRY.agent_reply("好的")] == ["客服回复：好的"]


def test_a_long_refusal_is_cut_at_pauses_into_continuations_in_order() -> None:
    message = "没有查到极兔单号 JT0000000000001 的包裹。可能还没有发到清流，请过一两天再查，或核对单号。"
    uses = REGISTRY.compose(f"【村通】提示：{message}")
    assert uses is not None
    assert [u.template.name for u in uses] == ["backend_refused", "more", "more"][: len(uses)]
    assert joined(uses) == f"提示：{message}"
    assert uses[0].values["message"].endswith("。")  # cut after a full stop, not mid-word
    assert all(len(v) <= MAX_VARIABLE for u in uses for v in u.values.values())
    assert [u.render().split("：", 1)[0] for u in uses[1:]] == [f"接上条（{n}/{len(uses)}）" for n in range(2, len(uses) + 1)]


def test_a_list_of_departures_is_one_block_sms() -> None:
    text = "嵩口镇→清流县城班车：16:24 1路；明天(11月21日)06:39 1路；明天(11月21日)07:39 1路"
    uses = REGISTRY.compose(text)
    assert uses is not None and [u.template.name for u in uses] == ["departures_3"]
    assert uses[0].values["line_2"] == "明天(11月21日)06:39 1路"


def test_free_text_has_no_template() -> None:
    assert REGISTRY.match("随便写的一段话，没有模板") is None
    assert REGISTRY.compose("随便写的一段话，没有模板") is None
    assert REGISTRY.compose("好，随便写的一段话\n回复1 确认") is None


def test_an_answer_is_its_lead_in_its_own_template_and_its_choices_in_one() -> None:
    uses = REGISTRY.compose("【村通】好，请回复数字：\n回复1 查班车\n回复2 约车\n回复0 转人工")
    assert uses is not None
    assert [(u.template.name, u.values, u.before) for u in uses] == [
        ("ok", {}, ""), ("menu", {}, ""),
        ("options_1_2_0", {"choice_1": "查班车", "choice_2": "约车", "choice_0": "转人工"}, "\n"),
    ]  # fmt: skip
    assert uses[-1].render() == "回复1 查班车\n回复2 约车\n回复0 转人工"


def test_an_empty_value_is_never_sent_a_template_without_it_is_used() -> None:
    uses = REGISTRY.compose("工单C20261120001：受理，11月27日前办结。")
    assert uses is not None and [u.template.name for u in uses] == ["complaint_progress__no_reply"]
    with_reply = REGISTRY.compose("工单C20261120001：已办结，11月27日前办结。答复：已联系司机")
    assert with_reply is not None and with_reply[0].template.name == "complaint_progress"
    resolution = "已联系公交公司，对司机进行了批评教育，扣发当月奖金，并要求其向您当面道歉，以后会加强培训。"
    long = REGISTRY.compose(f"工单C20261120001：已办结，11月27日前办结。答复：{resolution}")
    assert long is not None and [u.template.name for u in long] == ["complaint_progress", "more"]
    assert "".join([long[0].values["resolution"], *(u.values["content"] for u in long[1:])]) == resolution


def test_a_read_back_uses_its_own_template_with_or_without_the_arrive_by_note() -> None:
    """A loose template (确认：${when}，${trip}，${people}) must not stand in for another one."""
    seat = "确认：后天(11月22日)16:30坐4路从清流县汽车站到灵地镇，1人，16:55到，车费30元"
    uses = REGISTRY.compose(seat)
    assert uses is not None and [u.template.name for u in uses] == ["ride_confirm_seat"]
    assert uses[0].values == {"when": "后天(11月22日)16:30", "route": "4路", "board": "清流县汽车站",
                              "destination": "灵地镇", "count": "1", "arrival": "16:55", "fare": "30元"}  # fmt: skip
    uses = REGISTRY.compose(seat.replace("16:55到", "16:55到（17:00前到）"))
    assert uses is not None and [(u.template.name, u.values["clock"]) for u in uses] == [("ride_confirm_seat__by", "17:00")]


def test_choices_numbered_unlike_any_block_go_one_sms_each() -> None:
    uses = REGISTRY.compose("请回复数字：\n回复2 约车\n回复3 查快递")
    assert uses is not None
    assert [u.template.name for u in uses] == ["menu", "option_2", "option_3"]
    assert REGISTRY.compose("请回复数字：\n回复1 " + "很长的选项" * 8) is None  # a choice is a short name


def test_no_template_in_the_registry_carries_free_text() -> None:
    for template in REGISTRY.templates.values():
        assert not set(template.params) & {"lead", "options"}, template.name
        assert all(limit <= MAX_VARIABLE for limit in template.params.values()), template.name


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("templates: [{name: a, kind: x, content: '你好${n}', params: {}, codes: {}}]", "不一致"),
        ("templates: [{name: a, kind: x, content: '${n}', params: {n: 5}, codes: {}}]", "全变量"),
        ("templates: [{name: a, kind: x, content: '单号${i}${s}。', params: {i: 5, s: 5}, codes: {}}]", "相邻"),
        ("templates: [{name: a, kind: x, content: '单号${i} ${s}。', params: {i: 5, s: 5}, codes: {}}]", "相邻"),
        ("templates: [{name: a, kind: x, content: '${lead}单号${i}。', params: {lead: 20, i: 5}, codes: {}}]", "lead"),
        ("templates: [{name: a, kind: x, content: '您好。${options}', params: {options: 20}, codes: {}}]", "options"),
        ("templates: [{name: a, kind: x, content: '班车：${lines}。', params: {lines: 36}, codes: {}}]", "35"),
        ("templates: [{name: a, kind: x, content: '班车：${lines}。', params: {lines: 300}, long: [lines]}]", "长变量"),
        ("templates: [{name: a, kind: x, content: '班车：${lines}。', params: {lines: 30}, long: []}]", "长变量"),
        ("templates: [{name: a, kind: x, content: '取消${i}，单号${i}', params: {i: 13}}]", "不止一次"),
        ("templates: [{name: a, kind: verification_code, content: '验证码${code}。', params: {code: 8}}]", "4-6"),
        ("templates: [{name: a, kind: verification_code, content: '验证码${code}。', params: {code: 3}}]", "4-6"),
        ("templates: [{name: a, kind: continuation, content: '接上条${content}', params: {content: 35}}]", "续发"),
        ("templates: [{name: a, kind: x, content: '提示：${m}。', params: {m: 35}, more: b}]", "结尾"),
        ("templates: [{name: agent_reply, kind: x, content: '客服：${c}', params: {c: 35}, more: b}]", "more"),
        ("templates: [{name: a, kind: x, content: '你好${n}', params: {n: 5}, codes: {baidu: 1}}]", "codes"),
        ("templates: [{name: agent_reply, kind: x, content: '客服：${c}', params: {c: 5}},"
         " {name: agent_reply, kind: x, content: '客服：${c}', params: {c: 5}}]", "重名"),
        ("templates: [{name: a, kind: x, content: '你好${n}', params: {n: 5}}]", "agent_reply"),
        ("templates: [{name: agent_reply, kind: x, content: '客服：${c}', params: {c: 5}, codes: {aliyun: SMS_1}},"
         " {name: b, kind: x, content: '您好${n}', params: {n: 5}, codes: {aliyun: SMS_1}}]", "同一个 aliyun 模板编号 SMS_1"),
        ("templates: [", "无法读取"),
    ],
)  # fmt: skip
def test_a_broken_registry_is_refused_naming_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=problem):
        TemplateRegistry.load(path)


def test_a_provider_without_codes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text(
        "templates: [{name: agent_reply, kind: agent_reply, content: '客服回复：${content}',"
        " params: {content: 35}, codes: {aliyun: SMS_1}}]",
        encoding="utf-8",
    )
    TemplateRegistry.load(path).check_provider("aliyun")
    with pytest.raises(TemplateError, match="tencent"):
        TemplateRegistry.load(path).check_provider("tencent")


def test_a_verification_code_is_four_to_six_digits() -> None:
    template = REGISTRY.templates["verification_code"]
    assert 4 <= template.params["code"] <= 6
    text = "验证码{code}，5分钟内有效，用于验证您的手机号。如非本人操作请忽略，切勿告诉他人。"
    assert REGISTRY.compose(text.format(code="482913")) is not None
    assert REGISTRY.compose(text.format(code="12ab56")) is None
    assert REGISTRY.compose(text.format(code="123")) is None


def test_a_verification_code_goes_out_as_its_template_with_its_digits(session: Session) -> None:
    """The walk texts no code (an SMS sender's number is their own): a code asked for on
    WeChat for a mobile, as the worker hands it to the provider."""
    assert verification.send_code(session, channel="wechat", external_id="oCodeWalk", mobile="13905980888") is None
    row = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == CODE_KIND)).one()
    body = verification.message_text(session, kind=row.kind, event_key=row.event_key, body=row.body)
    assert body is not None and REGISTRY.compose(row.body) is None  # the masked row is never sent as is
    [use] = REGISTRY.compose(body) or [None]
    assert use is not None and use.template.name == "verification_code" and use.values["code"].isdigit()
    assert 4 <= len(use.values["code"]) <= 6


def test_parts_per_answer_stay_few() -> None:
    """Runs after the walk (file order): how many SMS an answer takes (printed for the report)."""
    if not PARTS:
        pytest.skip("the walk did not run in this session")
    print(f"SMS per answer: max {max(PARTS)}, mean {sum(PARTS) / len(PARTS):.2f} over {len(PARTS)} texts,"  # noqa: T201
          f" {len(CODES)} verification codes")  # fmt: skip
    assert max(PARTS) <= 5
