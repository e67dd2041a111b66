"""The bot answers policy and service questions from the knowledge base (a fallback path:
no intent of its own), offers a person after the answer, says so when it is not sure, and
still starts a task when the message carries what the task needs."""

from __future__ import annotations

from tests.dialogs.conftest import Chat


def test_a_question_nothing_else_handles_is_answered_from_the_knowledge_base(chat: Chat) -> None:
    (reply,) = chat.send("kb-1", "汽车站晚上几点关门")
    assert "清流县汽车站每天6:30至18:30营业" in reply["text"]
    assert reply["buttons"] == [{"title": "人工客服", "payload": "0"}]
    (person,) = chat.send("kb-1", "0")
    assert "人工客服" in person["text"]  # the offered person is one answer away


def test_a_question_the_nlu_takes_for_a_task_is_answered_when_it_carries_no_task_details(chat: Chat) -> None:
    (reply,) = chat.send("kb-2", "包裹寄丢了能赔多少")
    assert "保价快件按保价金额赔偿" in reply["text"]
    booking = chat.send("kb-3", "明天早上8点从嵩口去县城，两个人")
    assert "保价" not in chat.text() and booking  # a real task still starts its form


def test_the_knowledge_base_is_not_consulted_for_other_things(chat: Chat) -> None:
    chat.send("kb-4", "今天天气怎么样")
    assert "抱歉，这件事我暂时办不了" in chat.text()


def test_a_close_but_unsure_match_says_so_and_offers_a_person(chat: Chat) -> None:
    (reply,) = chat.send("kb-5", "医保卡在哪里办")
    assert reply["text"].startswith("这个问题我没有把握答准")
    assert {"title": "人工客服", "payload": "0"} in reply["buttons"]
