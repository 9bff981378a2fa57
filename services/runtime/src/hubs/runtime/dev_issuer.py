"""A development identity provider for local runs and tests: it signs tokens with a key
kept in a local file. Services trust it only when HUBS_AUTH_DEV_ISSUER=true; without that
setting a token it made is refused like any other unknown issuer's.

    hubs-dev-token --hub demo-hub --role clinician"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

DEV_ISSUER = "https://dev-issuer.wellbeing-hubs.invalid"
DEFAULT_AUDIENCE = "wellbeing-hubs"


def key_file() -> Path:
    """Where the dev issuer keeps its signing key (HUBS_DEV_ISSUER_KEY_FILE, else var/)."""
    default = Path(os.environ.get("HUBS_VAR_DIR", "var")) / "dev-issuer-key.pem"
    return Path(os.environ.get("HUBS_DEV_ISSUER_KEY_FILE") or default)


def private_key(path: Path | None = None) -> ec.EllipticCurvePrivateKey:
    """The dev issuer's signing key, made on first use."""
    path = path or key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Written aside, then linked into place: processes starting together (a server's workers)
        # all read the key linked first, never a file another is still writing.
        fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
        finally:
            os.unlink(aside)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise ValueError("the dev issuer key must be an EC key")
    return loaded


def public_key_pem(path: Path | None = None) -> str:
    """The dev issuer's public key, PEM, for verifiers that trust it."""
    return (
        private_key(path)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def issue(
    hub_id: str,
    roles: list[str],
    *,
    subject: str | None = None,
    ttl_seconds: int = 3600,
    audience: str = DEFAULT_AUDIENCE,
    path: Path | None = None,
) -> str:
    """A signed token for `roles` in `hub_id`."""
    now = int(time.time())
    claims = {
        "iss": DEV_ISSUER,
        "aud": audience,
        "sub": subject or f"dev-{uuid.uuid4().hex[:8]}",
        "hub_id": hub_id,
        "roles": roles,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, private_key(path), algorithm="ES256")


def main(argv: list[str] | None = None) -> None:
    """`hubs-dev-token --hub H --role R [--role R2]`: print a signed development token."""
    parser = argparse.ArgumentParser(prog="hubs-dev-token", description="Print a development bearer token.")
    parser.add_argument("--hub", required=True)
    parser.add_argument(
        "--role", action="append", required=True, help="clinician, hub-lead, referrer or national-analyst"
    )
    parser.add_argument("--ttl", type=int, default=3600, help="seconds the token stays valid")
    parser.add_argument("--subject", help="the subject claim (default: a random dev-… id)")
    parser.add_argument("--audience", default=DEFAULT_AUDIENCE)
    args = parser.parse_args(argv)
    roles = [r.strip() for value in args.role for r in value.split(",") if r.strip()]
    print(issue(args.hub, roles, subject=args.subject, ttl_seconds=args.ttl, audience=args.audience))
