"""SMS through a Twilio-compatible gateway: `SmsInput` serves `POST /sms/inbound`,
`SmsOutput` renders answers as TwiML `<Response><Message>` (and plain parts for the
outbound sender).

A request is verified before anything is read from it (503 without TWILIO_AUTH_TOKEN,
403 on a bad or missing signature, 400 on missing fields). Opting out follows Twilio's
rules (`sms_keywords`): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE (and
the domestic 退订 / TD) become the `opt_out` event, START, YES, UNSTOP the `opt_in`
event, and any other text changes nothing; an `OptOutType` field, sent by gateways with
their own opt-out handling, decides when present. SMS readers are often elderly: answers
are plain lines, choices become "回复1 …" lines, and the whole answer is ONE `<Message>`
(the carrier segments it and the phone joins the parts again), shortened at a sentence
boundary when it would need more than the configured number of segments.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from twilio.twiml.messaging_response import MessagingResponse

from channels.buttons import text_blocks
from channels.config import ChannelConfig
from channels.errors import Rejected
from channels.messages import Media, Message, OnMessage, Reply, TryLater
from channels.phone import sender_id
from channels.sms_keywords import keyword_event
from channels.sms_segments import fit_sms
from channels.twilio_webhook import require, verified_form

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 1600  # the longest SMS body a Twilio-compatible gateway delivers
SORRY = "抱歉，系统有点忙，请稍后再发。"
TRY_LATER = "抱歉，系统暂时忙不过来，您这条短信没有办理，请过几分钟再发一次。"
MAX_MEDIA = 10  # Twilio delivers at most 10 media per MMS
MAX_MEDIA_URL = 500
MEDIA_KINDS = {"image": "image", "video": "video", "audio": "voice"}


class SmsOutput:
    """Answers as SMS: plain text, numbered choices, one body of at most `max_parts` segments."""

    def __init__(self, *, max_parts: int) -> None:
        self._max_parts = max_parts

    def text(self, replies: list[Reply]) -> str:
        return "\n".join(text_blocks(replies))

    def body(self, replies: list[Reply]) -> str:
        return fit_sms(self.text(replies), max_parts=self._max_parts)

    def twiml(self, replies: list[Reply]) -> str:
        response = MessagingResponse()
        body = self.body(replies)
        if body:
            response.message(body)
        return str(response)


class SmsInput:
    def __init__(self, *, auth_token: str | None, public_base_url: str | None, output: SmsOutput) -> None:
        self._auth_token = auth_token
        self._public_base_url = public_base_url
        self._output = output

    @classmethod
    def from_settings(cls, settings: ChannelConfig) -> SmsInput:
        return cls(
            auth_token=settings.twilio.auth_token,
            public_base_url=settings.public_base_url,
            output=SmsOutput(max_parts=settings.twilio.sms_max_parts),
        )

    def router(self, on_message: OnMessage) -> APIRouter:
        router = APIRouter(prefix="/sms", tags=["channels"])

        @router.post("/inbound", summary="Twilio-compatible inbound SMS webhook")
        async def inbound(request: Request) -> Response:
            try:
                form = await verified_form(
                    request, auth_token=self._auth_token, public_base_url=self._public_base_url
                )
                require(form, "From", "To", "Body", "MessageSid")
                message = to_message(form)
            except Rejected as exc:
                logger.warning("sms webhook refused (%s): %s", exc.status, exc.reason)
                return PlainTextResponse(exc.reason, status_code=exc.status)
            try:
                replies = await on_message(message)
            except TryLater:  # a shared store (Redis) is down: nothing was done, say so in TwiML
                logger.warning("sms turn %s not run: state store unavailable", message.message_id)
                replies = [Reply(text=TRY_LATER)]
            except Exception:  # the citizen still gets an answer; the error is logged
                logger.exception("sms turn failed for %s", message.message_id)
                replies = [Reply(text=SORRY)]
            return Response(self._output.twiml(replies), media_type="application/xml")

        return router


def to_message(form: dict[str, str]) -> Message:
    """The message for a verified form. An MMS brings its pictures (NumMedia, MediaUrlN,
    MediaContentTypeN); a message with neither text nor pictures is the `empty` event,
    which is answered too."""
    sid = form["MessageSid"].strip()
    sender = sender_id(form["From"])
    if not sid or len(sid) > 64 or not sender or len(sender) > 32:
        raise Rejected(400, "MessageSid 或 From 无效")
    text = form["Body"].strip()[:MAX_BODY_CHARS]
    media = media_of(form)
    event = keyword_event(text, form.get("OptOutType")) if text else None if media else "empty"
    return Message(
        channel="sms",
        sender=sender,
        text=text,
        received_at=datetime.now(UTC),
        message_id=sid,
        media=media,
        event=event,
        metadata={"to": form["To"], "num_media": str(len(media))},
    )


def media_of(form: dict[str, str]) -> tuple[Media, ...]:
    """The pictures (and other files) of an MMS: http(s) URLs only, at most MAX_MEDIA."""
    try:
        count = int((form.get("NumMedia") or "0").strip())
    except ValueError:
        raise Rejected(400, "NumMedia 无效") from None
    found = []
    for index in range(min(max(count, 0), MAX_MEDIA)):
        url = (form.get(f"MediaUrl{index}") or "").strip()
        if not url.startswith(("https://", "http://")) or len(url) > MAX_MEDIA_URL:
            continue
        kind = MEDIA_KINDS.get((form.get(f"MediaContentType{index}") or "").split("/")[0].strip().lower(), "file")
        found.append(Media(kind=kind, url=url))  # type: ignore[arg-type]
    return tuple(found)
