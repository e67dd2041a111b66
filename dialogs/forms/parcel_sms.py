"""A parcel's status by SMS: one SMS per parcel, a template per state made of short typed
values between fixed words (carrier, tracking number, service point, time, pickup code),
so a domestic provider can approve it; the rich and spoken answers keep the carrier's
wording (`shipments.latest_status_text`). The facts are the same: where it is (the service
point, or the latest scan's place and time on the way), when it was collected or returned,
the opening hours, and the pickup code for its recipient (anyone else: that it was texted to
the recipient's phone, or to come with an ID card)."""

from __future__ import annotations

from backend.models import Parcel
from backend.services.parcels import shipments as parcels
from dialogs.context import TurnContext

SOMEWHERE = "途中"  # a scan without a place
POINT = "服务站"  # a parcel without its service point (as latest_status_text says)


def sms_status(ctx: TurnContext, parcel: Parcel, mine: str | None) -> str:
    """The SMS of one parcel (sends the pickup code to its recipient when someone else asks)."""
    point = parcel.service_point
    last = parcel.events[-1] if parcel.events else None
    when = parcels.short_time(last.at) if last else None
    head = {"carrier": parcel.carrier, "number": parcel.tracking_no}
    if parcel.status == "at_service_point":
        hours = ctx.text("parcel_hours", hours=point.hours) if point and point.hours else ""
        return ctx.text(
            "parcel_sms_waiting", **head, point=point.name if point else POINT, hours=hours,
            pickup=_pickup(ctx, parcel, mine),
        )  # fmt: skip
    if parcel.status in ("picked_up", "returned"):
        key = "parcel_sms_" + parcel.status + ("" if when else "_undated")
        return ctx.text(key, **head, when=when, point=point.name if point else POINT)
    dest = ctx.text("parcel_dest", point=point.name) if point else ""
    if last is None:
        return ctx.text("parcel_sms_no_news", **head, dest=dest)
    return ctx.text("parcel_sms_moving", **head, when=when, location=last.location or SOMEWHERE, dest=dest)


def _pickup(ctx: TurnContext, parcel: Parcel, mine: str | None) -> str:
    if not parcel.pickup_code:
        return ""
    if parcels.is_recipient(parcel, mine):
        return ctx.text("parcel_code", pickup_code=parcel.pickup_code)
    if not parcel.recipient_phone:
        return ctx.text("parcel_code_in_person")
    parcels.send_pickup_code(ctx.session, parcel=parcel, now=ctx.now)
    return ctx.text("parcel_code_sent", tail=parcel.recipient_phone[-4:])
