"""The portal's configuration, from HUBS_* environment variables (it keeps no records)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from hubs.runtime.forwarding import read_service_tokens

SERVICE_PORTS = {
    "referral": 8001,
    "assessment": 8002,
    "care": 8003,
    "outreach": 8004,
    "reporting": 8005,
    "national": 8006,
}


def _env(name: str, default: str = "") -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


@dataclass(frozen=True)
class PortalSettings:
    """Where the services are, how people sign in, and how the portal answers."""

    hub_id: str = "demo-hub"
    hub_name: str = "Demo hub"
    api_bind: str = "127.0.0.1:8000"
    api_threads: int = 8
    # Prometheus scrapes /metrics here, on a port of its own (0: not served).
    metrics_port: int = 0
    log_level: str = "INFO"
    secret_key: str = ""
    service_urls: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 5.0
    dev_sign_in: bool = False
    oidc_metadata_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile"
    secure_cookies: bool = True
    self_referral_rate_limit: str = "20/minute;burst=20"
    session_minutes: int = 60
    # Shown to the referral service with the person's address, which it believes from the portal only.
    service_token: str = field(default="", repr=False)
    # The ingress in front of the portal (addresses or CIDRs): its X-Forwarded-For names the person.
    trusted_proxies: str = ""

    @classmethod
    def from_env(cls) -> PortalSettings:
        """Settings from HUBS_PORTAL_* (and the hub's own HUBS_HUB_ID, HUBS_HUB_NAME)."""
        # The dev sign-in's tokens come from the development issuer: off unless the services trust it.
        dev = _env("HUBS_PORTAL_DEV_SIGN_IN", "false").lower() == "true"
        dev = dev and _env("HUBS_AUTH_DEV_ISSUER", "false").lower() == "true"
        secret = _env("HUBS_PORTAL_SECRET_KEY")
        if not secret:
            if not dev:
                raise RuntimeError("HUBS_PORTAL_SECRET_KEY must be set (a long random string)")
            # Local runs only: sessions end when the process restarts.
            secret = secrets.token_urlsafe(32)
        urls = {
            name: _env(f"HUBS_PORTAL_{name.upper()}_URL", f"http://127.0.0.1:{port}").rstrip("/")
            for name, port in SERVICE_PORTS.items()
        }
        return cls(
            hub_id=_env("HUBS_HUB_ID", "demo-hub"),
            hub_name=_env("HUBS_HUB_NAME", "Demo hub"),
            api_bind=_env("HUBS_API_BIND", "127.0.0.1:8000"),
            api_threads=int(_env("HUBS_API_THREADS", "8")),
            metrics_port=int(_env("HUBS_METRICS_PORT", "0")),
            log_level=_env("HUBS_LOG_LEVEL", "INFO"),
            secret_key=secret,
            service_urls=urls,
            timeout_seconds=float(_env("HUBS_PORTAL_TIMEOUT_SECONDS", "5")),
            dev_sign_in=dev,
            oidc_metadata_url=_env("HUBS_PORTAL_OIDC_METADATA_URL"),
            oidc_client_id=_env("HUBS_PORTAL_OIDC_CLIENT_ID"),
            oidc_client_secret=_env("HUBS_PORTAL_OIDC_CLIENT_SECRET"),
            oidc_scopes=_env("HUBS_PORTAL_OIDC_SCOPES", "openid profile"),
            secure_cookies=_env("HUBS_PORTAL_SECURE_COOKIES", "false" if dev else "true").lower() == "true",
            self_referral_rate_limit=_env("HUBS_SELF_REFERRAL_RATE_LIMIT", "20/minute;burst=20"),
            session_minutes=int(_env("HUBS_PORTAL_SESSION_MINUTES", "60")),
            service_token=_service_token(_env("HUBS_PORTAL_SERVICE_TOKEN_FILE")),
            trusted_proxies=_env("HUBS_TRUSTED_PROXIES"),
        )

    @property
    def oidc_configured(self) -> bool:
        """True when an identity provider (e.g. NHS CIS2) is configured for sign-in."""
        return bool(self.oidc_metadata_url and self.oidc_client_id)


def _service_token(path: str) -> str:
    """The current token of the service token file (its first line), or none without a file."""
    return read_service_tokens(path)[0] if path else ""
