from collections.abc import AsyncIterator

import pytest

from tandem.store.db import Database
from tandem.sync import liveness
from tests.support.e2e import servers, stack

__all__ = ["servers", "stack"]


@pytest.fixture
async def worker(database: Database) -> AsyncIterator[int]:
    """A registered, live worker's id."""
    registration = await liveness.Registration.open(database)
    yield registration.id
    await registration.close()
