"""How the referral service reacts to care co-ordination's events: an episode of care closed there
closes the referral here, so that a case closed in either service is closed in both. Handlers run
inside the consumer's unit of work (it records the event id and commits) and never commit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from hubs.contracts import codes
from hubs.referral.service_layer.unit_of_work import ReferralUow

log = logging.getLogger(__name__)


def on_episode_closed(event: Mapping[str, Any], uow: ReferralUow) -> None:
    """Close the case's referral, at the episode's closure time, if it is still open. A referral
    already withdrawn, closed or transferred (care's closure may itself come from the referral's:
    ReferralClosed and ReferralWithdrawn close the episode) is left alone, so nothing is emitted
    twice and the two services never chase each other's closures."""
    referral_id = uow.referrals.referral_id_of_case(event["case_id"])
    referral = uow.referrals.get(referral_id, for_update=True) if referral_id is not None else None
    if referral is None or not referral.is_open:
        return
    data = event["data"]
    reason: codes.ClosureReason = data["reason"]
    if reason is codes.ClosureReason.TRANSFERRED_TO_ANOTHER_HUB:
        # A transfer is made here, sealed for the receiving hub with the person's consent, and it is
        # the transfer that closes the referral: closing it now would make the transfer impossible.
        log.info("episode closed as transferred: the referral stays open until the transfer is made")
        return
    if reason is codes.ClosureReason.WITHDRAWN:
        # The person withdrew; why is not part of the episode's closure.
        referral.withdraw(codes.WithdrawalReason.OTHER, data["closed_at"])
    else:
        referral.close(reason, data["closed_at"])
    uow.referrals.save(referral)


CARE_EVENT_HANDLERS = {"EpisodeClosed": on_episode_closed}
