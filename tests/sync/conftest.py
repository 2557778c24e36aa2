from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from tandem.store.db import Database
from tandem.sync.models import Synchronization, SyncState
from tandem.sync.queue import liveness
from tests.support.e2e import servers, stack
from tests.sync import factories

__all__ = ["servers", "stack"]


@pytest.fixture
async def sync(database: Database) -> Synchronization:
    """An active synchronization between two installed sites."""
    customer = await factories.tenant(database)
    support = await factories.tenant(database, "https://support.atlassian.net")
    created = await factories.synchronization(database, customer, support)
    async with database.transaction() as session:
        await session.execute(
            update(Synchronization)
            .where(Synchronization.id == created.id)
            .values(state=SyncState.ACTIVE)
        )
    return created


@pytest.fixture
async def worker(database: Database) -> AsyncIterator[int]:
    """A registered, live worker's id."""
    registration = await liveness.Registration.open(database)
    yield registration.id
    await registration.close()
