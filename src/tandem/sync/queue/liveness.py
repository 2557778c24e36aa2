"""Which workers are alive, so that the claims of a worker that died are taken over at once.

A worker registers a row in ``workers`` and stamps each event it claims with the row's id.

On PostgreSQL the worker holds a session-level advisory lock on ``(LOCK_SPACE, id)`` on a
connection of its own for its whole life. The server drops the lock the moment that connection
ends: the process exited, was killed, or (through the TCP keepalives set on that connection) its
host went away. A claim is alive while its claimer's lock is granted, which the claim query reads
from ``pg_locks`` in the same statement: no clock, no extra round trip per event.

On SQLite (one machine, usually one process) the worker stamps ``heartbeat_at`` every
``HEARTBEAT`` and counts as alive while its heartbeat is younger than ``LEASE``; the lease covers
a heartbeat that waited for SQLite's write lock (its busy timeout is 10 s).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Select, cast, column, delete, func, select, table, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tandem.store.base import utcnow
from tandem.store.db import Database
from tandem.sync.models import WorkerProcess

log = logging.getLogger(__name__)

LOCK_SPACE = 0x54414E44  # the first key of Tandem's advisory locks: "TAND"
HEARTBEAT = timedelta(seconds=5)
LEASE = timedelta(seconds=30)
# Server-side keepalives on the lock connection: a vanished host loses its lock in about 20 s.
_KEEPALIVES = "SELECT set_config('tcp_keepalives_idle', '10', false), \
set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '2', false)"
_REGISTER = text(
    "WITH w AS (INSERT INTO workers (host, pid, started_at, heartbeat_at)"
    " VALUES (:host, :pid, :now, :now) RETURNING id)"
    " SELECT id, pg_advisory_lock(CAST(:space AS integer), id) FROM w"
)

_locks = table(
    "pg_locks",
    column("locktype"),
    column("database"),
    column("classid"),
    column("objid"),
    column("objsubid"),
    column("granted"),
)
_databases = table("pg_database", column("oid"), column("datname"))


def alive(dialect: str, now: datetime, lease: timedelta = LEASE) -> Select[int]:
    """The ids of the workers alive now, as a subquery for the claim rules."""
    if dialect != "postgresql":
        return select(WorkerProcess.id).where(WorkerProcess.heartbeat_at > now - lease)
    this_database = (
        select(_databases.c.oid)
        .where(_databases.c.datname == func.current_database())
        .scalar_subquery()
    )
    return select(cast(_locks.c.objid, BigInteger)).where(
        _locks.c.locktype == "advisory",
        _locks.c.database == this_database,
        cast(_locks.c.classid, BigInteger) == LOCK_SPACE,
        _locks.c.objsubid == 2,
        _locks.c.granted,
    )


async def forget_dead(*, session: AsyncSession, lease: timedelta = LEASE) -> int:
    """Remove the rows of workers that are no longer alive."""
    dialect = session.get_bind().dialect.name
    result = await session.execute(
        delete(WorkerProcess).where(WorkerProcess.id.not_in(alive(dialect, utcnow(), lease)))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class Registration:
    """This worker's row, and on PostgreSQL the connection that holds its lock."""

    def __init__(self, database: Database, worker_id: int, lock: AsyncConnection | None) -> None:
        self.database = database
        self.id = worker_id
        self.lost = False
        self._lock = lock

    @classmethod
    async def open(cls, database: Database) -> Registration:
        host, pid, now = socket.gethostname()[:255], os.getpid(), utcnow()
        if database.is_sqlite:
            async with database.transaction() as session:
                row = WorkerProcess(host=host, pid=pid, started_at=now, heartbeat_at=now)
                session.add(row)
                await session.flush()
                return cls(database, row.id, None)
        lock = await database.engine.connect()
        try:
            await lock.execution_options(isolation_level="AUTOCOMMIT")
            await lock.execute(text(_KEEPALIVES))
            result = await lock.execute(
                _REGISTER, {"host": host, "pid": pid, "now": now, "space": LOCK_SPACE}
            )
            return cls(database, int(result.scalar_one()), lock)
        except BaseException:
            await lock.invalidate()
            raise

    async def beat(self) -> bool:
        """Stamp the heartbeat (on PostgreSQL through the lock connection, proving it holds)."""
        statement = (
            update(WorkerProcess).where(WorkerProcess.id == self.id).values(heartbeat_at=utcnow())
        )
        try:
            async with asyncio.timeout(HEARTBEAT.total_seconds() * 2):
                if self._lock is not None:
                    updated = (await self._lock.execute(statement)).rowcount
                else:
                    async with self.database.transaction() as session:
                        updated = (await session.execute(statement)).rowcount  # type: ignore[attr-defined]
        except Exception:
            log.warning("worker %s could not renew its claims", self.id, exc_info=True)
            updated = 0 if self._lock is not None else 1  # SQLite: the lease allows a miss
        if updated == 0:
            log.warning("worker %s lost its registration; its claims may be taken over", self.id)
            self.lost = True
        return not self.lost

    async def close(self) -> None:
        """Leave: delete the row; on PostgreSQL closing the lock connection drops the lock."""
        forget = delete(WorkerProcess).where(WorkerProcess.id == self.id)
        try:
            if self._lock is None:
                async with self.database.transaction() as session:
                    await session.execute(forget)
            elif not self.lost:
                await self._lock.execute(forget)
        except Exception:
            log.warning("worker %s could not unregister", self.id, exc_info=True)
        if self._lock is not None:
            await self._lock.invalidate()
