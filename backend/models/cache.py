"""Version counters of the data that processes keep in memory (backend/services/bus/network_cache.py).

One row per cached family (`network`: the GTFS tables, the gazetteer and disruption
notices). Every transaction that changes those tables increases the counter in the same
transaction, so a process that reads the counter knows whether its copy is still right.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base


class CacheVersion(Base):
    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
