"""Sealing a referral for one receiving hub: nobody else on the way (the broker, the national
service, another hub) can read it.

Hybrid public-key encryption: an ephemeral X25519 key agreement with the receiving hub's
public key, HKDF-SHA256 to derive an AES-256-GCM key, and the transfer id and both hub ids as
associated data, so a sealed referral cannot be replayed under another transfer or hub.
Wire form (base64): ephemeral public key (32 bytes) | nonce (12) | ciphertext and tag."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"wellbeing-hubs referral transfer v1"


class CannotOpenTransfer(Exception):
    """The sealed referral is not for this hub's key, or was altered on the way."""


def key_id(hub_id: str, public_key: X25519PublicKey) -> str:
    """`<hub>:<first 16 hex of the SHA-256 of the raw public key>`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{hub_id}:{hashlib.sha256(raw).hexdigest()[:16]}"


def _aad(transfer_id: str, from_hub: str, to_hub: str) -> bytes:
    return f"{transfer_id}|{from_hub}|{to_hub}".encode()


def _derive(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(shared)


def seal_for(
    public_key: X25519PublicKey, content: dict[str, Any], *, transfer_id: str, from_hub: str, to_hub: str
) -> str:
    """The content, encrypted for the holder of `public_key` alone, base64."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = _derive(ephemeral.exchange(public_key), ephemeral_public)
    nonce = os.urandom(12)
    plaintext = json.dumps(content, sort_keys=True, default=str).encode()
    sealed = AESGCM(key).encrypt(nonce, plaintext, _aad(transfer_id, from_hub, to_hub))
    return base64.b64encode(ephemeral_public + nonce + sealed).decode()


def open_sealed(private_key: X25519PrivateKey, sealed: str, *, transfer_id: str, from_hub: str, to_hub: str) -> dict:
    """The content of a referral sealed for this hub; CannotOpenTransfer otherwise."""
    try:
        raw = base64.b64decode(sealed, validate=True)
        ephemeral_public, nonce, body = raw[:32], raw[32:44], raw[44:]
        key = _derive(private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public)), ephemeral_public)
        return json.loads(AESGCM(key).decrypt(nonce, body, _aad(transfer_id, from_hub, to_hub)))
    except (InvalidTag, ValueError) as exc:
        raise CannotOpenTransfer(type(exc).__name__) from exc


@dataclass
class TransferKeys:
    """This hub's transfer key and its neighbours' public keys, from configuration."""

    hub_id: str
    private_key: X25519PrivateKey | None
    neighbours: dict[str, X25519PublicKey]

    @classmethod
    def from_settings(cls, hub_id: str, extra: dict[str, str]) -> TransferKeys:
        """HUBS_TRANSFER_PRIVATE_KEY_FILE (PEM, X25519) and HUBS_NEIGHBOUR_HUBS
        ('hub-b=/keys/hub-b.pem,hub-c=/keys/hub-c.pem': each neighbour's public key)."""
        private = None
        if path := extra.get("HUBS_TRANSFER_PRIVATE_KEY_FILE"):
            loaded = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
            if not isinstance(loaded, X25519PrivateKey):
                raise ValueError("HUBS_TRANSFER_PRIVATE_KEY_FILE must hold an X25519 private key")
            private = loaded
        neighbours: dict[str, X25519PublicKey] = {}
        for entry in (extra.get("HUBS_NEIGHBOUR_HUBS") or "").split(","):
            if not entry.strip():
                continue
            neighbour, _, key_path = entry.partition("=")
            if not key_path.strip():
                raise ValueError("HUBS_NEIGHBOUR_HUBS: expected 'hub-id=/path/to/public-key.pem,...'")
            public = serialization.load_pem_public_key(Path(key_path.strip()).read_bytes())
            if not isinstance(public, X25519PublicKey):
                raise ValueError(f"the transfer key of {neighbour.strip()} must be an X25519 public key")
            neighbours[neighbour.strip()] = public
        return cls(hub_id, private, neighbours)


def generate_key_pair(private_path: Path, public_path: Path) -> None:
    """Make a hub's transfer key pair (PEM files); the public one is given to its neighbours."""
    key = X25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
