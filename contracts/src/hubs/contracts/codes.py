"""Code lists, in one place. Values are what travels on the wire; NHS Data Dictionary
codes are used where one exists (ethnic category, sexual orientation, gender identity)."""

from enum import StrEnum


class Region(StrEnum):
    """The seven NHS England regions."""

    NORTH_EAST_AND_YORKSHIRE = "north-east-and-yorkshire"
    NORTH_WEST = "north-west"
    MIDLANDS = "midlands"
    EAST_OF_ENGLAND = "east-of-england"
    LONDON = "london"
    SOUTH_EAST = "south-east"
    SOUTH_WEST = "south-west"


class ReferralSource(StrEnum):
    """Who referred the member of staff to the hub."""

    SELF = "self"
    OCCUPATIONAL_HEALTH = "occupational-health"
    HR = "hr"
    HEALTH_AND_WELLBEING_TEAM = "health-and-wellbeing-team"
    GP = "gp"
    LINE_MANAGER = "line-manager"
    OTHER_HUB = "other-hub"
    OTHER = "other"


class StaffGroup(StrEnum):
    """Broad staff group of the person referred."""

    NURSING_AND_MIDWIFERY = "nursing-and-midwifery"
    MEDICAL_AND_DENTAL = "medical-and-dental"
    ALLIED_HEALTH_PROFESSIONAL = "allied-health-professional"
    HEALTHCARE_SCIENTIST = "healthcare-scientist"
    AMBULANCE = "ambulance"
    PHARMACY = "pharmacy"
    SUPPORT_TO_CLINICAL = "support-to-clinical"
    ADMINISTRATIVE_AND_ESTATES = "administrative-and-estates"
    MANAGERIAL = "managerial"
    SOCIAL_CARE = "social-care"
    PRIMARY_CARE = "primary-care"
    STUDENT_OR_TRAINEE = "student-or-trainee"
    OTHER = "other"


class EmploymentType(StrEnum):
    """How the person is employed (seed: every employment type is eligible)."""

    SUBSTANTIVE = "substantive"
    FIXED_TERM = "fixed-term"
    BANK = "bank"
    AGENCY = "agency"
    SECONDED = "seconded"
    PLACEMENT_OR_TRAINING = "placement-or-training"
    RETURNER = "returner"
    CONTRACTED_PROVIDER = "contracted-provider"
    SOCIAL_CARE = "social-care"
    OTHER = "other"


class AtRiskFactor(StrEnum):
    """At-risk factors of the seed, section 2.2; recorded as a set on a referral."""

    BEREAVED_BY_COVID = "bereaved-by-covid"
    DISADVANTAGED_GROUP = "disadvantaged-group"
    BAME = "bame"
    HIGH_PROXIMITY_ENVIRONMENT = "high-proximity-environment"
    REDEPLOYED_INTENSIVE_ROLE = "redeployed-intensive-role"
    AGENCY_TEMPORARY_OR_RETURNING = "agency-temporary-or-returning"
    SEPARATED_FROM_SUPPORT = "separated-from-support"
    PARENT_OF_DEPENDENT_CHILDREN = "parent-of-dependent-children"
    LESS_EXPERIENCED_COMPLEX_ENVIRONMENT = "less-experienced-complex-environment"
    EXPOSED_TO_POOR_BEHAVIOURS = "exposed-to-poor-behaviours"
    EXISTING_HEALTH_CONDITION = "existing-health-condition"
    SHIELDED_OUT_OF_CONTACT = "shielded-out-of-contact"


class EthnicCategory(StrEnum):
    """NHS Data Dictionary ethnic category: A-S, Z not stated, 99 not known."""

    WHITE_BRITISH = "A"
    WHITE_IRISH = "B"
    WHITE_OTHER = "C"
    MIXED_WHITE_AND_BLACK_CARIBBEAN = "D"
    MIXED_WHITE_AND_BLACK_AFRICAN = "E"
    MIXED_WHITE_AND_ASIAN = "F"
    MIXED_OTHER = "G"
    ASIAN_INDIAN = "H"
    ASIAN_PAKISTANI = "J"
    ASIAN_BANGLADESHI = "K"
    ASIAN_OTHER = "L"
    BLACK_CARIBBEAN = "M"
    BLACK_AFRICAN = "N"
    BLACK_OTHER = "P"
    CHINESE = "R"
    OTHER = "S"
    NOT_STATED = "Z"
    NOT_KNOWN = "99"


class SexualOrientation(StrEnum):
    """NHS Data Dictionary sexual orientation code."""

    HETEROSEXUAL = "1"
    GAY_OR_LESBIAN = "2"
    BISEXUAL = "3"
    OTHER = "4"
    UNSURE = "U"
    NOT_STATED = "Z"
    NOT_KNOWN = "9"


class GenderIdentity(StrEnum):
    """NHS Data Dictionary gender identity code."""

    MALE = "1"
    FEMALE = "2"
    NON_BINARY = "3"
    OTHER = "4"
    NOT_STATED = "Z"
    NOT_KNOWN = "X"


class GenderSameAsAtBirth(StrEnum):
    """Trans status: is the person's gender identity the same as at birth."""

    YES = "yes"
    NO = "no"
    NOT_STATED = "not-stated"


class AgeBand(StrEnum):
    """Age bands used for reporting; date of birth never leaves the referral service."""

    UNDER_25 = "16-24"
    FROM_25_TO_34 = "25-34"
    FROM_35_TO_44 = "35-44"
    FROM_45_TO_54 = "45-54"
    FROM_55_TO_64 = "55-64"
    OVER_64 = "65+"
    NOT_KNOWN = "not-known"


class Disability(StrEnum):
    """Whether the person considers themself disabled."""

    YES = "yes"
    NO = "no"
    NOT_STATED = "not-stated"


class Urgency(StrEnum):
    """Set by the risk screen: urgent referrals go to the top of the queue."""

    URGENT = "urgent"
    ROUTINE = "routine"


class ServiceType(StrEnum):
    """Kinds of service a hub signposts or refers people on to."""

    TALKING_THERAPIES = "talking-therapies"
    SECONDARY_CARE_MENTAL_HEALTH = "secondary-care-mental-health"
    COMPLEX_ADDICTIONS = "complex-addictions"
    OCCUPATIONAL_HEALTH = "occupational-health"
    PEER_SUPPORT = "peer-support"
    SELF_HELP = "self-help"
    BEREAVEMENT = "bereavement"
    DOMESTIC_ABUSE = "domestic-abuse"
    RELATIONSHIP = "relationship"
    DEBT_ADVICE = "debt-advice"
    IMMIGRATION_ADVICE = "immigration-advice"
    OTHER_THIRD_SECTOR = "other-third-sector"


class OutreachEventType(StrEnum):
    """Outreach goes out to staff; inreach brings staff into the hub."""

    OUTREACH = "outreach"
    INREACH = "inreach"
