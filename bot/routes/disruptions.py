"""Operator API for announcing a service disruption (停运/改线/延误):
`POST /api/bus/disruptions` records the notice (shown by `GET /api/bus/disruptions`) and
tells its subscribers and the riders booked on the line in the period, each once, on
their own channel. Announcing the same disruption again answers 200 with the notice
already recorded and sends nothing more. Behind OperatorDep.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, Field

from backend.services.bus.disruption_notices import announce_disruption
from bot.deps import OperatorDep, SessionDep
from bot.routes.bus import DisruptionOut, disruption_out

router = APIRouter(prefix="/api/bus", tags=["bus"])


class DisruptionIn(BaseModel):
    route: str | None = Field(default=None, description="线路，如 4路 或 L04；不填为全网")
    title: str = Field(max_length=100)
    description: str = Field(max_length=1000)
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class AnnouncedOut(DisruptionOut):
    created: bool
    notified: int = Field(description="通知条数（含已退订、无法送达而未发出的）")
    queued: int = Field(description="排队待发的通知条数")


@router.post("/disruptions", status_code=201)
def announce(
    body: DisruptionIn, session: SessionDep, _operator: OperatorDep, response: Response
) -> AnnouncedOut:
    done = announce_disruption(session, **body.model_dump())
    if not done.created:
        response.status_code = 200
    return AnnouncedOut(
        **disruption_out(session, done.disruption).model_dump(),
        created=done.created,
        notified=len(done.notices),
        queued=sum(1 for n in done.notices if n.status == "queued"),
    )
