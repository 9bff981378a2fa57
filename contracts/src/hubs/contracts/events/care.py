"""Events of the care-coordination service: onward referrals, waits, monitoring, closure."""

from marshmallow import Schema, fields

from hubs.contracts import codes
from hubs.contracts.registry import event


@event("OnwardReferralMade", service="care")
class OnwardReferralMade(Schema):
    """The hub referred the person on to a service, by service type."""

    onward_referral_id = fields.UUID(required=True)
    service_type = fields.Enum(codes.ServiceType, by_value=True, required=True)
    directory_service_id = fields.UUID(allow_none=True, load_default=None)
    made_on = fields.Date(required=True)
