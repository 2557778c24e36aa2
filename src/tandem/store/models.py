"""Every table, imported in one place so that Alembic and tests see the whole schema."""

from __future__ import annotations

from tandem.store.base import Base
from tandem.tenants.models import Tenant

metadata = Base.metadata

__all__ = ["Tenant", "metadata"]
