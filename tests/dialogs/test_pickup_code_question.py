"""取件码是多少 after a parcel answer: the code goes only to the recipient's phone, so the
citizen hears that and how to get it (the SMS, a re-send by tracking number, their own number
proven here, or the service point with an ID card), never the code. The verified recipient is
shown their code. Before, it answered 说“查快递”并告诉我快递单号或手机尾号，我可以把取件码再发给您,
although a phone tail finds parcels only for a verified number."""

from __future__ import annotations

from tests.dialogs.conftest import Chat


def said(chat: Chat, sender: str, text: str) -> str:
    return "\n".join(r["text"] for r in chat.send(sender, text))


def test_the_code_is_only_for_the_recipient(chat: Chat) -> None:
    said(chat, "asker", "帮我查一下快递JT4678203589049")
    for question in ("取件码是多少", "取件码呢？"):
        answer = said(chat, "asker", question)
        assert "只发给收件人" in answer and "快递单号" in answer and "身份证" in answer, answer
        assert "尾号" not in answer and "733750" not in answer, answer


def test_the_verified_recipient_sees_the_code(chat: Chat) -> None:
    said(chat, "owner", "查快递")
    said(chat, "owner", "13759803426")
    said(chat, "owner", chat.code("13759803426"))
    answer = said(chat, "owner", "取件码是多少")
    assert "733750" in answer, answer
