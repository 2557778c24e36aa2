"""The Connect install key server: the PEM public key of the key pair installs are signed with."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from ..errors import not_found
from .deps import SimulatorDep

router = APIRouter()


@router.get("/connect-install-keys/{kid}")
async def public_key(kid: str, simulator: SimulatorDep) -> PlainTextResponse:
    if kid != simulator.keys.kid:
        raise not_found(f"No key with id '{kid}'.")
    return PlainTextResponse(simulator.keys.public_pem)
