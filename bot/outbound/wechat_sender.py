"""WeChat sends through `WeChatOutput`: a customer-service message (客服消息) first; when
WeChat refuses it because the citizen has not written in the last 48 hours (45015,
45047) and a notice template is configured, the notice goes as a template message
instead. Answers to a message just received always go as customer-service messages.
"""

from __future__ import annotations

from bot.outbound.base import Outgoing, Sender, SendError
from channels.wechat import WeChatOutput
from channels.wechat_token import WeChatApiError

OUT_OF_WINDOW = frozenset({45015, 45047})


class WeChatSender(Sender):
    channel = "wechat"

    def __init__(self, output: WeChatOutput, *, notice_template_id: str | None = None) -> None:
        self._output = output
        self._template = notice_template_id

    def send(self, message: Outgoing) -> str | None:
        try:
            try:
                return self._output.send_text(message.to, message.body)
            except WeChatApiError as exc:
                if exc.errcode not in OUT_OF_WINDOW or not self._template or message.kind == "reply":
                    raise
            title, _, rest = message.body.partition("\n")
            data = {"first": title, "keyword1": rest or title, "remark": "村通出行服务"}
            return self._output.send_template(message.to, self._template, data)
        except WeChatApiError as exc:
            raise SendError(f"微信接口错误 {exc.errcode}：{exc.errmsg}", retryable=exc.retryable) from exc
