"""The backend's one exception root: every refusal carries a code and a message a person
can act on (Chinese first). The HTTP layer maps the classes to status codes; the dialogs
turn them into questions (\"您说的是嵩口镇吗?\")."""

from __future__ import annotations

from typing import Any


class BackendError(Exception):
    code = "backend_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class InvalidInput(BackendError):
    """A value that can never be right (malformed number, zero seats, time in the past)."""

    code = "invalid_input"


class NotFound(BackendError):
    code = "not_found"


class UnknownPlace(NotFound):
    """A place name that does not resolve; `guesses` holds the closest gazetteer names."""

    code = "unknown_place"

    def __init__(self, name: str, guesses: list[str]) -> None:
        hint = f"，您是不是要找：{'、'.join(guesses)}" if guesses else ""
        super().__init__(f"找不到地点“{name}”{hint}", name=name, guesses=guesses)
        self.name = name
        self.guesses = guesses


class Conflict(BackendError):
    """The request is valid but the current state refuses it."""

    code = "conflict"


class CapacityExceeded(Conflict):
    code = "capacity_exceeded"


class DuplicateRequest(Conflict):
    code = "duplicate_request"


class IllegalTransition(Conflict):
    code = "illegal_transition"
