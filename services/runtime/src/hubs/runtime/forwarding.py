"""Whose address a request comes from: the client a proxy the API can authenticate names, never
an address a client names for itself.

Rate limits on public endpoints (self-referral) count requests per client address. A request that
comes through a proxy (the cluster's ingress, the portal) arrives from the proxy's address, and the
proxy names the client in X-Forwarded-For. Anyone can write that header, so an API believes it
only from:

- a proxy at an address in HUBS_TRUSTED_PROXIES (comma-separated CIDRs: the ingress controller's
  pods). The client is the right-most address of X-Forwarded-For that is not itself such a proxy;
- the portal, which proves itself with the service token read from HUBS_PORTAL_SERVICE_TOKEN_FILE,
  sent in the X-Hubs-Service-Token header and compared in constant time. The file holds one token
  a line: the portal sends the first; the API accepts any (put the next one below the current
  one to rotate, restart, then swap them).

From anything else X-Forwarded-For is ignored: the client is the address the connection came
from. Both headers are removed before the app sees the request, so nothing reads, logs or echoes
them. The hop count HUBS_TRUSTED_PROXY_HOPS, which believed whoever sent the header, is refused."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

SERVICE_TOKEN_HEADER = "X-Hubs-Service-Token"  # noqa: S105 - a header name, not a token
_TOKEN_ENVIRON = "HTTP_X_HUBS_SERVICE_TOKEN"  # noqa: S105 - the same header in WSGI
_FORWARDED_ENVIRON = "HTTP_X_FORWARDED_FOR"
# The address the connection came from, kept beside the client's for whoever needs the hop.
PEER_ENVIRON = "hubs.peer_address"
# Whether the request showed the portal's service token: what an endpoint only the portal may call checks.
FROM_PORTAL_ENVIRON = "hubs.from_portal"
# A token anyone could guess in a day is no proof: at least this many characters.
MIN_TOKEN_LENGTH = 32

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def read_service_tokens(path: str) -> tuple[str, ...]:
    """The tokens of a service token file, one a line, the current one first; refuses a missing
    file, an empty one and a token too short or with spaces or characters a header cannot carry."""
    try:
        lines = Path(path).read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"the service token file {path} cannot be read: {type(exc).__name__}") from None
    tokens = tuple(line.strip() for line in lines if line.strip())
    if not tokens:
        raise ValueError(f"the service token file {path} holds no token")
    for token in tokens:
        if len(token) < MIN_TOKEN_LENGTH or not all("!" <= c <= "~" for c in token):
            raise ValueError(
                f"a token of {path} is not a service token: at least {MIN_TOKEN_LENGTH} visible ASCII characters"
            )
    return tokens


@dataclass(frozen=True)
class ForwardingTrust:
    """The proxies whose X-Forwarded-For an API believes: by address, or by the token they show."""

    proxies: tuple[Network, ...] = ()
    tokens: tuple[bytes, ...] = ()

    @classmethod
    def from_settings(cls, extra: Mapping[str, str]) -> ForwardingTrust:
        """From HUBS_TRUSTED_PROXIES and HUBS_PORTAL_SERVICE_TOKEN_FILE; refuses what makes no sense."""
        hops = (extra.get("HUBS_TRUSTED_PROXY_HOPS") or "0").strip()
        if hops != "0":
            raise ValueError(
                "HUBS_TRUSTED_PROXY_HOPS is no longer read (it believed X-Forwarded-For from anyone): "
                "set HUBS_TRUSTED_PROXIES to the proxies' addresses, and give the portal its service token"
            )
        proxies = []
        for text in (extra.get("HUBS_TRUSTED_PROXIES") or "").split(","):
            if text.strip():
                try:
                    proxies.append(ipaddress.ip_network(text.strip(), strict=False))
                except ValueError:
                    raise ValueError(
                        f"HUBS_TRUSTED_PROXIES must be addresses or CIDRs separated by commas, not {text.strip()!r}"
                    ) from None
        path = extra.get("HUBS_PORTAL_SERVICE_TOKEN_FILE") or ""
        tokens = read_service_tokens(path) if path else ()
        return cls(tuple(proxies), tuple(t.encode("ascii") for t in tokens))

    def is_proxy(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.proxies)

    def knows(self, presented: str) -> bool:
        """Whether `presented` is one of the tokens, in time that does not depend on how much of it matches."""
        try:
            given = presented.encode("latin-1")  # how WSGI hands over header bytes
        except UnicodeEncodeError:
            return False
        matches = [hmac.compare_digest(given, token) for token in self.tokens]
        return any(matches)

    def client(self, peer: str, forwarded: str | None, presented: str | None) -> str:
        """The client's address: the one the trusted hops name, else the connection's own."""
        peer_address = _address(peer)
        shown = presented is not None and self.knows(presented)
        if presented is not None and not shown:
            log.warning("service token refused: the forwarded address is ignored")
        if not forwarded or not (shown or self.is_proxy(peer_address)):
            return peer
        client = peer
        # Right to left: each trusted hop wrote the address it saw; the first that is no proxy is the client.
        for entry in reversed(forwarded.split(",")):
            address = _address(entry.strip())
            if address is None:
                break  # not written by a trusted hop: stop at the last address one did write
            client = str(address)
            if not self.is_proxy(address):
                break
        return client


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedForwarding:
    """WSGI middleware: REMOTE_ADDR becomes the client's address as ForwardingTrust decides."""

    def __init__(self, app: WSGIApplication, trust: ForwardingTrust):
        self.app = app
        self.trust = trust

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        presented = environ.pop(_TOKEN_ENVIRON, None)
        forwarded = environ.pop(_FORWARDED_ENVIRON, None)
        peer = environ.get("REMOTE_ADDR") or ""
        environ[PEER_ENVIRON] = peer
        environ[FROM_PORTAL_ENVIRON] = presented is not None and self.trust.knows(presented)
        environ["REMOTE_ADDR"] = self.trust.client(peer, forwarded, presented)
        return self.app(environ, start_response)
