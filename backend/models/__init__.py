"""All ORM tables; importing this package registers every table on `Base.metadata`."""

from backend.models.agents import Agent, AgentAction, CallbackTask, ConsoleSession
from backend.models.base import Base, UTCDateTime, utcnow
from backend.models.bookings import (
    Booking,
    DailyCounter,
    StudentShuttleSignup,
    Subscription,
)
from backend.models.cache import CacheVersion
from backend.models.complaints import AppendOnlyError, Complaint, ComplaintTransition
from backend.models.conversations import ConversationEvent, Handoff
from backend.models.dispatch import DispatchRun, DispatchStop
from backend.models.fleet import Driver, Operator, Vehicle, VehiclePosition
from backend.models.knowledge import KnowledgeAudit, KnowledgeEntry
from backend.models.notes import ConversationNote
from backend.models.outbound import OutboundMessage, OutboundPart
from backend.models.parcels import Parcel, ParcelEvent, SendRequest, ServicePoint
from backend.models.people import ChannelIdentity, Citizen, RateLimitHit, VerificationCode
from backend.models.places import Place, PlaceAlias
from backend.models.safeguards import DeliveryRecord, SignInFailure
from backend.models.transit import (
    Agency,
    Disruption,
    FareAttribute,
    FareRule,
    FeedInfo,
    Frequency,
    Route,
    ServiceCalendar,
    ServiceException,
    Stop,
    StopTime,
    Transfer,
    Trip,
)
from backend.models.webchat import WebChatIdentity, WebChatMessage

__all__ = [
    "Agent", "AgentAction", "CallbackTask", "ConsoleSession",
    "Agency", "AppendOnlyError", "Base", "Booking", "CacheVersion", "ChannelIdentity", "Citizen", "Complaint",
    "ComplaintTransition", "ConversationEvent", "DailyCounter", "DeliveryRecord", "Disruption", "DispatchRun", "DispatchStop", "Driver",
    "FareAttribute", "FareRule", "FeedInfo", "Frequency", "Handoff", "Operator", "OutboundMessage", "OutboundPart", "Parcel", "ParcelEvent", "Place", "PlaceAlias",
    "RateLimitHit", "Route", "SendRequest", "ServiceCalendar", "ServiceException", "ServicePoint", "SignInFailure", "Stop",
    "StopTime", "StudentShuttleSignup", "Subscription", "Transfer", "Trip", "UTCDateTime", "Vehicle",
    "VehiclePosition", "VerificationCode", "utcnow",
    "ConversationNote", "KnowledgeAudit", "KnowledgeEntry", "WebChatIdentity", "WebChatMessage",
]
