"""The tenant table."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.store.base import Base, Timestamps

# The door of sites that installed the Connect app, and of every site recorded before doors.
CONNECT_DOOR = "connect"


class TenantState(enum.StrEnum):
    INSTALLED = "installed"
    ENABLED = "enabled"
    DISABLED = "disabled"
    UNINSTALLED = "uninstalled"


class Tenant(Timestamps, Base):
    """One Jira site Tandem can call and hear from; ``door`` names how it is connected
    (``tandem.doors``)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(255), unique=True)
    base_url: Mapped[str] = mapped_column(String(2048))
    display_url: Mapped[str | None] = mapped_column(String(2048))
    product_type: Mapped[str] = mapped_column(String(64), default="jira")
    description: Mapped[str] = mapped_column(Text, default="")
    shared_secret_encrypted: Mapped[str] = mapped_column(Text)
    door: Mapped[str] = mapped_column(String(32), default=CONNECT_DOOR, server_default=CONNECT_DOOR)
    state: Mapped[TenantState] = mapped_column(
        Enum(
            TenantState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    app_account_id: Mapped[str | None] = mapped_column(String(128))
    installed_at: Mapped[datetime | None]
    uninstalled_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"Tenant({self.client_key!r}, {self.base_url!r}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (TenantState.INSTALLED, TenantState.ENABLED)
