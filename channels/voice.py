"""The hotline IVR (12328 style) through Twilio-compatible voice webhooks: `VoiceInput`
serves `POST /voice/inbound` and `POST /voice/gather`, `VoiceOutput` renders TwiML.

A call is greeted with the menu (1 出行, 2 快递, 3 投诉建议, 0 人工) inside a
`<Gather input="speech dtmf" language="zh-CN">`, so the caller may also just speak.
Each answer (speech or keys) goes into the same dialog engine as every other channel,
and the reply is spoken with dates, times and numbers in words (`voice_speech`). The
caller cannot see anything: choices are read out ("确认请按1"), 0 reaches a person at
every step, and after two turns that went nowhere the call is put through (`<Dial>`) to
the agent line. Where the call stands (menu or conversation, failures so far) travels
in the signed action URL, so nothing is kept between webhooks.

A choice is one key (`numDigits="1"`); where a number is asked (a phone tail, a tracking
or booking number) the `<Gather>` has no numDigits and ends on `#`. A spoken complaint
is taken with `<Record transcribe="true">`: the recording URL goes to the dialog at once,
the transcription (`POST /voice/transcription`) when the gateway has it. After goodbye
the call is hung up (`<Hangup>`); after a closing answer (不客气) two silent turns end
the call instead of putting the caller through.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from twilio.twiml.voice_response import Gather, VoiceResponse

from channels.buttons import option_number
from channels.config import ChannelConfig
from channels.errors import PayloadError, Rejected
from channels.messages import Media, Message, OnMessage, Reply, TryLater
from channels.phone import sender_id
from channels.twilio_webhook import require, verified_form
from channels.voice_speech import speakable

logger = logging.getLogger(__name__)

LANGUAGE = "zh-CN"
GREETING = "您好，这里是清流县村通出行服务热线。"
MENU = "请直接说出您要办的事，或者按键选择：出行预约请按1，查询快递请按2，投诉建议请按3，人工服务请按0。"
MENU_CHOICES = {"1": "我要预约出行", "2": "我要查快递", "3": "我要投诉"}
NOT_HEARD = "抱歉，没有听清楚。"
AGENT_HINT = "需要人工服务请按0。"
NUMBER_HINT = "用按键输入号码的，输完请按井号键。"
BYE = "再见。"
CONNECTING = "正在为您转接人工服务，请稍候。"
AGENT_UNAVAILABLE = "人工服务暂时无法接通，客服会尽快给您回电，再见。"
AFTER_AGENT = "感谢您的来电，祝您出行平安，再见。"
ANSWERED = "completed"  # DialCallStatus of a call an agent picked up
RECORD_PROMPT = "请在提示音后说出您要反映的情况，说完请按井号键。"
SORRY = "抱歉，系统有点忙。"
TRY_LATER = "抱歉，系统暂时忙不过来，现在办理不了，请过几分钟再打来。"
MAX_FAILS = 2
SENTENCE_ENDS = ("。", "？", "！", "?", "!")
STAGES = ("menu", "turn", "record", "dialed", "bye")


class VoiceOutput:
    """TwiML for the hotline; what cannot be heard (cards, links) is dropped."""

    def __init__(
        self,
        *,
        agent_number: str | None,
        action_path: str = "/voice/gather",
        transcription_path: str = "/voice/transcription",
    ) -> None:
        self._agent = agent_number
        self._action = action_path
        self._transcription = transcription_path

    def action(self, stage: str, fails: int) -> str:
        return f"{self._action}?{urlencode({'stage': stage, 'fails': fails})}"

    def gather(self, spoken: list[str], *, stage: str, fails: int, keys: str = "choice") -> str:
        """Say `spoken` while listening for speech or keys; silence comes back as a failed turn.
        `keys="choice"`: one key answers (a menu, 确认请按1); `keys="number"`: a number of any
        length (a phone tail, a tracking or booking number) keyed in and ended with #."""
        response = VoiceResponse()
        digits: dict[str, object] = {"num_digits": 1} if keys == "choice" else {"finish_on_key": "#"}
        gather = Gather(
            input="speech dtmf",
            language=LANGUAGE,
            action=self.action(stage, fails),
            method="POST",
            timeout=6,
            speech_timeout="auto",
            action_on_empty_result=True,
            **digits,
        )
        for text in spoken:
            if text.strip():
                gather.say(speakable(text), language=LANGUAGE)
        response.append(gather)
        response.redirect(self.action(stage, fails), method="POST")  # gateways without actionOnEmptyResult
        return str(response)

    def dial(self, spoken: list[str]) -> str:
        response = VoiceResponse()
        announced = any("转接" in text for text in spoken)  # the dialog's 正在为您转接… is said once
        for text in [*spoken, CONNECTING if self._agent and not announced else ""]:
            if text.strip():
                response.say(speakable(text), language=LANGUAGE)
        if not self._agent:
            response.say(AGENT_UNAVAILABLE, language=LANGUAGE)
            response.hangup()
            return str(response)
        response.dial(self._agent, timeout=30, action=self.action("dialed", 0), method="POST")
        response.say(AFTER_AGENT, language=LANGUAGE)  # gateways that go on after <Dial> without its action
        response.hangup()
        return str(response)

    def dialed(self, status: str, spoken: list[str]) -> str:
        """The end of the agent call: goodbye when an agent answered, else the apology."""
        return self.hangup([*spoken, AFTER_AGENT if status == ANSWERED else AGENT_UNAVAILABLE])

    def record(self, spoken: list[str], *, fails: int) -> str:
        response = VoiceResponse()
        for text in [*spoken, RECORD_PROMPT]:
            if text.strip():
                response.say(speakable(text), language=LANGUAGE)
        response.record(
            action=self.action("record", fails),
            method="POST",
            max_length=120,
            timeout=5,
            finish_on_key="#",
            transcribe=True,
            transcribe_callback=self._transcription,
        )
        response.redirect(self.action("turn", fails), method="POST")  # nothing was recorded
        return str(response)

    def hangup(self, spoken: list[str]) -> str:
        response = VoiceResponse()
        for text in spoken:
            if text.strip():
                response.say(speakable(text), language=LANGUAGE)
        response.hangup()
        return str(response)

    def reply(self, replies: list[Reply], *, fails: int) -> str:
        """The replies spoken; their action decides what follows (listen, dial, record, hang up)."""
        spoken = [spoken_text(reply) for reply in replies]
        actions = {reply.action for reply in replies}
        if "handoff" in actions:
            return self.dial(spoken)
        if "record" in actions:
            return self.record(spoken, fails=fails)
        if "hangup" in actions:
            return self.hangup(spoken)
        if any((reply.card or {}).get("closing") is True for reply in replies):
            return self.gather(spoken, stage="bye", fails=fails)
        if replies and replies[-1].buttons:
            buttons = replies[-1].buttons
            read_out = any(option_number(i, b) == "0" for i, b in enumerate(buttons, start=1))
            return self.gather([*spoken, "" if read_out else AGENT_HINT], stage="turn", fails=fails)
        return self.gather([*spoken, NUMBER_HINT, AGENT_HINT], stage="turn", fails=fails, keys="number")


def spoken_text(reply: Reply) -> str:
    """The reply's text, then its choices read out: "确认请按1，修改请按2"."""
    options = "，".join(f"{b.title}请按{option_number(i, b)}" for i, b in enumerate(reply.buttons, start=1))
    parts = [part for part in (reply.text.strip(), options) if part]
    return "".join(part if part.endswith(SENTENCE_ENDS) else part + "。" for part in parts)


def went_nowhere(replies: list[Reply]) -> bool:
    """A failed turn: no answer, or the dialog said it did not understand (card {"fallback": true})."""
    return not replies or all((reply.card or {}).get("fallback") is True for reply in replies)


class VoiceInput:
    def __init__(self, *, auth_token: str | None, public_base_url: str | None, output: VoiceOutput) -> None:
        self._auth_token = auth_token
        self._public_base_url = public_base_url
        self._output = output

    @classmethod
    def from_settings(cls, settings: ChannelConfig) -> VoiceInput:
        return cls(
            auth_token=settings.twilio.auth_token,
            public_base_url=settings.public_base_url,
            output=VoiceOutput(agent_number=settings.twilio.agent_number),
        )

    def router(self, on_message: OnMessage) -> APIRouter:
        router = APIRouter(prefix="/voice", tags=["channels"])
        out = self._output

        async def ask(message: Message) -> list[Reply]:
            try:
                return await on_message(message)
            except TryLater:  # a shared store (Redis) is down: nothing was done, the caller is told
                logger.warning("voice turn %s not run: state store unavailable", message.message_id)
                return [Reply(text=TRY_LATER + AGENT_HINT)]
            except Exception:  # the caller hears an apology and can still reach a person
                logger.exception("voice turn failed for %s", message.message_id)
                return [Reply(text=SORRY + AGENT_HINT)]

        @router.post("/inbound", summary="Twilio-compatible incoming call webhook")
        async def inbound(request: Request) -> Response:
            form = await self._checked(request, "CallSid", "From", "To")
            if isinstance(form, Response):
                return form
            replies = await ask(
                _message(form, text="", event="call_start", message_id=f"{form['CallSid']}:start")
            )
            spoken = [spoken_text(r) for r in replies] or [GREETING]
            return _twiml(out.gather([*spoken, MENU], stage="menu", fails=0))

        @router.post("/gather", summary="Twilio-compatible speech / keypad result webhook")
        async def gather(request: Request) -> Response:
            try:
                form = await self._form(request)
                require(form, "CallSid", "From")
                stage, fails = _state(request)
            except Rejected as exc:
                return _refused(exc)
            token = request.headers.get("I-Twilio-Idempotency-Token")
            if stage == "dialed":
                status = form.get("DialCallStatus", "").strip() or "failed"
                replies: list[Reply] = []
                if status == ANSWERED:  # a missed dial stays in the agents' queue for a ring-back
                    done = _message(
                        form, text="", event="handoff_done", message_id=f"{form['CallSid']}:dialed"
                    )
                    replies = await ask(done)
                return _twiml(out.dialed(status, [spoken_text(r) for r in replies if r.text.strip()]))
            if stage == "record" and form.get("RecordingUrl"):
                recording = Media(kind="recording", url=form["RecordingUrl"])
                message = _message(form, text="", event="recording", media=(recording,), message_id=token)
                return _twiml(out.reply(await ask(message), fails=0))
            digits = form.get("Digits", "").strip()
            speech = form.get("SpeechResult", "").strip()
            if digits == "0":
                return _twiml(out.dial([]))
            text = MENU_CHOICES.get(digits, "") if stage == "menu" and digits else speech or digits
            if not text:
                return _failed(out, stage, fails + 1, [NOT_HEARD])
            replies = await ask(_message(form, text=text, message_id=token))
            if went_nowhere(replies):
                return _failed(out, "turn", fails + 1, [spoken_text(r) for r in replies] or [NOT_HEARD])
            return _twiml(out.reply(replies, fails=0))

        @router.post("/transcription", summary="Twilio-compatible recording transcription callback")
        async def transcription(request: Request) -> Response:
            form = await self._checked(request, "CallSid", "From", "RecordingUrl")
            if isinstance(form, Response):
                return form
            text = form.get("TranscriptionText", "").strip()
            if form.get("TranscriptionStatus", "completed") == "completed" and text:
                recording = Media(kind="recording", url=form["RecordingUrl"])
                sid = form.get("TranscriptionSid") or form["RecordingUrl"]
                await ask(_message(form, text=text, event="transcription", media=(recording,), message_id=sid))
            return _twiml(str(VoiceResponse()))

        return router

    async def _checked(self, request: Request, *fields: str) -> dict[str, str] | Response:
        """The verified form with `fields` present, or the refusal to answer with."""
        try:
            form = await self._form(request)
            require(form, *fields)
        except Rejected as exc:
            return _refused(exc)
        return form

    async def _form(self, request: Request) -> dict[str, str]:
        return await verified_form(
            request, auth_token=self._auth_token, public_base_url=self._public_base_url
        )


def _failed(out: VoiceOutput, stage: str, fails: int, spoken: list[str]) -> Response:
    if stage == "bye":  # the caller was already told goodbye: silence ends the call, no agent
        if fails >= MAX_FAILS:
            return _twiml(out.hangup([BYE]))
        return _twiml(out.gather([], stage="bye", fails=fails))
    if fails >= MAX_FAILS:
        return _twiml(out.dial(spoken))
    prompt = MENU if stage == "menu" else AGENT_HINT
    return _twiml(out.gather([*spoken, prompt], stage=stage, fails=fails))


def _state(request: Request) -> tuple[str, int]:
    stage = request.query_params.get("stage", "turn")
    fails = request.query_params.get("fails", "0")
    if stage not in STAGES or not fails.isdigit() or int(fails) > MAX_FAILS:
        raise PayloadError("stage 或 fails 参数无效")
    return stage, int(fails)


def _message(
    form: dict[str, str],
    *,
    text: str,
    event: str | None = None,
    media: tuple[Media, ...] = (),
    message_id: str | None = None,
) -> Message:
    return Message(
        channel="voice",
        sender=sender_id(form["From"]),
        text=text[:500],
        received_at=datetime.now(UTC),
        message_id=message_id,
        event=event,
        media=media,
        metadata={"call_sid": form["CallSid"], "confidence": form.get("Confidence")},
    )


def _twiml(xml: str) -> Response:
    return Response(xml, media_type="application/xml")


def _refused(exc: Rejected) -> Response:
    logger.warning("voice webhook refused (%s): %s", exc.status, exc.reason)
    return PlainTextResponse(exc.reason, status_code=exc.status)
