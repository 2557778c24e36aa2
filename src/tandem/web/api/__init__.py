"""The JSON API under /api: what scripts (and the admin pages' forms) use to manage
synchronizations. Every route needs a session token of a project admin; a synchronization is
visible only from the two projects it links (anything else answers 404). Each route calls one
use case of ``tandem.usecases``."""

from __future__ import annotations

from fastapi import APIRouter

from tandem.web.api import configuration, monitoring, synchronizations

router = APIRouter(prefix="/api", tags=["api"])
router.include_router(configuration.router)
router.include_router(monitoring.router)
# Last: its catch-all action route must not shadow publish, initial-sync and the others.
router.include_router(synchronizations.router)
