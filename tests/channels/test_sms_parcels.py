"""A parcel status by SMS: one SMS per parcel, each one template of short typed values
(no continuation of the carrier's wording), with the same facts as the rich answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.models import Parcel, ParcelEvent, ServicePoint
from bot.runtime import Runtime
from channels.buttons import text_blocks
from channels.messages import Message
from channels.sms_templates import MAX_VARIABLE, TemplateRegistry
from tests.utils.conversation import make_processor, make_store

REGISTRY = TemplateRegistry.load()
RECIPIENT = "13759803000"  # two parcels on their way in the pilot data


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def add_parcel(runtime: Runtime, tracking_no: str, status: str, *, events: int = 1) -> None:
    with runtime.unit_of_work() as session:
        point = session.scalars(select(ServicePoint).order_by(ServicePoint.code)).first()
        at = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
        session.add(Parcel(
            tracking_no=tracking_no, carrier="韵达", recipient_phone=RECIPIENT, service_point=point, status=status,
            pickup_code="482913" if status == "at_service_point" else None,
            events=[ParcelEvent(at=at + timedelta(hours=i), status=status, location=None, description="快件已签收")
                    for i in range(events)],
        ))  # fmt: skip


async def sms_answer(runtime: Runtime, text: str) -> list[str]:
    store, _ = make_store("memory")
    processor = make_processor(runtime, store)
    message = Message(channel="sms", sender=RECIPIENT, text=text, received_at=datetime.now(UTC))
    blocks = text_blocks(await processor.handle(message))
    await store.close()
    return blocks


@pytest.mark.anyio
async def test_three_parcels_are_three_sms_each_one_typed_template(runtime: Runtime) -> None:
    add_parcel(runtime, "431122334455667", "at_service_point")
    blocks = await sms_answer(runtime, "查快递 我的手机号")
    assert len(blocks) == 3
    names = []
    for block in blocks:
        uses = REGISTRY.compose(block)
        assert uses is not None and len(uses) == 1, block
        assert all(0 < len(v) <= MAX_VARIABLE for v in uses[0].values.values()), uses[0].values
        assert uses[0].template.more is None  # nothing carried on in 接上条
        names.append(uses[0].template.name)
    assert names.count("parcel_sms_moving") == 2 and names.count("parcel_sms_waiting") == 1
    waiting = next(b for b in blocks if "431122334455667" in b)
    # the recipient (an SMS sender's number is their own) gets the pickup code, hours and point
    assert "取件码482913" in waiting and "营业时间" in waiting and "已到" in waiting
    moving = [b for b in blocks if "4311223344556" not in b]
    assert all("运输中" in b and "转运中心" in b and "将送到" in b for b in moving), moving


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "events", "says"), [
    ("picked_up", 1, "已于11月20日 17:05在"), ("picked_up", 0, "已在"), ("returned", 1, "已于11月20日 17:05退回寄件人"),
    ("returned", 0, "已退回寄件人"), ("in_transit", 0, "运输中，暂时没有物流信息，将送到"),
    ("in_transit", 1, "运输中，11月20日 17:05在途中"),
])  # fmt: skip
async def test_every_state_is_a_template_of_its_own(
    runtime: Runtime, status: str, events: int, says: str
) -> None:
    add_parcel(runtime, "431122334455668", status, events=events)
    blocks = await sms_answer(runtime, "查快递431122334455668")
    assert len(blocks) == 1 and says in blocks[0], blocks
    uses = REGISTRY.compose(blocks[0])
    assert uses is not None and len(uses) == 1 and uses[0].values["number"] == "431122334455668", blocks
