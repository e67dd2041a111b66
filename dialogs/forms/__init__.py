"""The forms, one per task intent of docs/CONTRACTS.md §1 (an explicit registry, STYLE.md §5)."""

from __future__ import annotations

from dialogs.forms.base import Form
from dialogs.forms.bookings import CancelBooking, ChangeBooking, QueryBooking
from dialogs.forms.complaints import Complaint, QueryComplaint, Suggestion
from dialogs.forms.journeys import BookJourney
from dialogs.forms.parcels import SendParcel, TrackParcel
from dialogs.forms.rides import BookCharter, BookRide
from dialogs.forms.shuttle import StudentShuttle
from dialogs.forms.transit import QueryBus, SubscribeAlert

FORMS: dict[str, Form] = {
    form.name: form
    for form in (
        BookRide(), BookCharter(), StudentShuttle(), CancelBooking(), ChangeBooking(), QueryBooking(),
        QueryBus(), SubscribeAlert(), TrackParcel(), SendParcel(), Complaint(), Suggestion(), QueryComplaint(),
        BookJourney(),
    )
}  # fmt: skip
