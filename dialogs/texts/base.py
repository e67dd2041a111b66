"""One sentence in its three variants: rich (WeChat, web chat), short (SMS) and spoken
(the hotline)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.wording import Style


@dataclass(frozen=True)
class T:
    rich: str
    short: str | None = None
    voice: str | None = None

    def pick(self, style: Style) -> str:
        if style == "voice":
            return self.voice or self.short or self.rich
        if style == "short":
            return self.short or self.rich
        return self.rich
