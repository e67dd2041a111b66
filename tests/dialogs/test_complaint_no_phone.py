"""A complaint filed with "不留" (no phone number): nobody can call, so the citizen is not
promised a call; they hear when the answer is due and how to see it here with the ticket
number. With a number the promise to contact them stands."""

from __future__ import annotations

import re
from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def file_complaint(chat_at: ChatAt, sender: str, contact: str) -> str:
    chat = chat_at(NOW)
    chat.send(sender, "我要投诉，司机态度很差，还骂人")
    chat.send(sender, "昨天下午")
    chat.send(sender, "没有")
    chat.send(sender, contact)
    if contact != "不留":
        chat.send(sender, "不验证")
    return chat.send(sender, "1")


def test_no_number_no_promise_of_a_call(chat_at: ChatAt) -> None:
    reply = file_complaint(chat_at, "no-phone", "不留")
    ticket = re.search(r"C\d{11}", reply)
    assert ticket is not None, reply
    assert "联系您" not in reply and "电话" in reply, reply
    assert "前给出处理结果" in reply and f"“查投诉 {ticket.group(0)}”" in reply, reply


def test_no_number_then_progress_here(chat_at: ChatAt) -> None:
    reply = file_complaint(chat_at, "no-phone-2", "不留")
    ticket = re.search(r"C\d{11}", reply)
    assert ticket is not None
    chat = chat_at(NOW)
    reply = chat.send("no-phone-2", f"查投诉 {ticket.group(0)}")
    assert f"工单{ticket.group(0)}：目前" in reply, reply


def test_with_a_number_we_contact_them(chat_at: ChatAt) -> None:
    reply = file_complaint(chat_at, "with-phone", "13905984002")
    assert "前联系您" in reply, reply
