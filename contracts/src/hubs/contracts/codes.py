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
    NOT_STATED = "not-stated"
    NOT_KNOWN = "not-known"


class Disability(StrEnum):
    """Whether the person considers themself disabled."""

    YES = "yes"
    NO = "no"
    NOT_STATED = "not-stated"


# The equality questions a person may answer (at referral, and again at assessment), each with its
# code list: one list, so that every service asks and checks the same questions.
DEMOGRAPHIC_CODE_LISTS: dict[str, type[StrEnum]] = {
    "ethnic_category": EthnicCategory,
    "sexual_orientation": SexualOrientation,
    "gender_identity": GenderIdentity,
    "gender_same_as_at_birth": GenderSameAsAtBirth,
    "age_band": AgeBand,
    "disability": Disability,
}


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
    HUB_COMMISSIONED = "hub-commissioned"  # a service the hub commissioned where provision has gaps


class OutreachEventType(StrEnum):
    """Outreach goes out to staff; inreach brings staff into the hub."""

    OUTREACH = "outreach"
    INREACH = "inreach"


class DeliveryMode(StrEnum):
    """How an outreach event, training session or meeting was delivered."""

    IN_PERSON = "in-person"
    ONLINE = "online"
    HYBRID = "hybrid"


class PeriodType(StrEnum):
    """Reporting periods of the national data set."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "financial-year"


class TriageDecision(StrEnum):
    """What the hub decided on first reading a referral."""

    ACCEPTED = "accepted"
    NOT_ELIGIBLE = "not-eligible"  # e.g. a family member: the hubs serve staff only
    REDIRECTED_TO_CRISIS_CARE = "redirected-to-crisis-care"
    DUPLICATE = "duplicate"


class ContactChannel(StrEnum):
    """How the hub tried to reach, or reached, the person."""

    PHONE = "phone"
    VIDEO = "video"
    TEXT_MESSAGE = "text-message"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in-person"


class ContactOutcome(StrEnum):
    """What came of one contact attempt; only `contacted` is a successful first contact."""

    CONTACTED = "contacted"
    NO_ANSWER = "no-answer"
    MESSAGE_LEFT = "message-left"
    CONTACT_DETAILS_INVALID = "contact-details-invalid"
    DECLINED = "declined"


class TransferReason(StrEnum):
    """Why a referral moved to another hub (seed, section 3.3)."""

    CONFIDENTIALITY = "confidentiality"  # would be seen by colleagues
    SHORTER_WAIT = "shorter-wait"
    WORKS_OR_LIVES_IN_OTHER_AREA = "works-or-lives-in-other-area"
    PERSON_ASKED = "person-asked"
    OTHER = "other"


class WithdrawalReason(StrEnum):
    """Why a referral was withdrawn before care ended."""

    PERSON_ASKED = "person-asked"
    CONSENT_WITHDRAWN = "consent-withdrawn"
    SUPPORT_FOUND_ELSEWHERE = "support-found-elsewhere"
    NO_LONGER_NEEDED = "no-longer-needed"
    OTHER = "other"


class ClosureReason(StrEnum):
    """Why a referral or an episode of care was closed."""

    NOT_ELIGIBLE = "not-eligible"
    UNCONTACTABLE = "uncontactable"
    WITHDRAWN = "withdrawn"
    TRANSFERRED_TO_ANOTHER_HUB = "transferred-to-another-hub"
    DECLINED_ASSESSMENT = "declined-assessment"
    NO_FURTHER_ACTION = "no-further-action"
    SIGNPOSTED = "signposted"
    CARE_COMPLETED = "care-completed"
    OTHER = "other"


class ErasureReason(StrEnum):
    """Why a person's personal data was erased."""

    PERSON_REQUESTED = "person-requested"  # the person asked (their right to erasure)
    RETENTION = "retention"  # the closed referral's retention period passed


class Measure(StrEnum):
    """Standard measures used at assessment and follow-up (DOMAIN.md, reference facts)."""

    PHQ_9 = "phq-9"
    GAD_7 = "gad-7"
    PCL_5 = "pcl-5"
    PC_PTSD_5 = "pc-ptsd-5"
    WSAS = "wsas"
    AUDIT_C = "audit-c"
    AUDIT = "audit"


class Phq9Band(StrEnum):
    """PHQ-9 severity: 0-4 none, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately-severe"
    SEVERE = "severe"


class Gad7Band(StrEnum):
    """GAD-7 severity: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe."""

    MINIMAL = "minimal"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class WsasBand(StrEnum):
    """WSAS impairment: < 10 subclinical, 10-20 significant, > 20 moderately severe or worse."""

    SUBCLINICAL = "subclinical"
    SIGNIFICANT = "significant"
    MODERATELY_SEVERE_OR_WORSE = "moderately-severe-or-worse"


class AuditZone(StrEnum):
    """AUDIT risk zone (WHO, Babor et al. 2001): 0-7 zone I low risk, 8-15 zone II increasing risk,
    16-19 zone III higher risk, 20-40 zone IV possible dependence."""

    LOW_RISK = "low-risk"
    INCREASING_RISK = "increasing-risk"
    HIGHER_RISK = "higher-risk"
    POSSIBLE_DEPENDENCE = "possible-dependence"


class RiskLevel(StrEnum):
    """Clinician's judgement of risk after assessment."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class EscalationRoute(StrEnum):
    """Where a risk was escalated to."""

    CRISIS_TEAM = "crisis-team"
    EMERGENCY_SERVICES = "emergency-services"
    GP = "gp"
    SECONDARY_CARE_MENTAL_HEALTH = "secondary-care-mental-health"
    SAFEGUARDING = "safeguarding"
    OTHER = "other"


class CaseNoteKind(StrEnum):
    """What a clinician's note on a case records (the clinical record; its text stays in the hub)."""

    CONTACT = "contact"
    MDT_DISCUSSION = "mdt-discussion"
    RISK = "risk"
    SAFEGUARDING = "safeguarding"


class WorkSituation(StrEnum):
    """The person's work situation when assessed or followed up."""

    AT_WORK = "at-work"
    AT_WORK_WITH_ADJUSTMENTS = "at-work-with-adjustments"
    OFF_SICK = "off-sick"
    OTHER = "other"


class OutcomeDecision(StrEnum):
    """Outcome of a rapid assessment; an assessment may have several."""

    SIGNPOST = "signpost"
    REFER_ON = "refer-on"
    LIAISE_OCCUPATIONAL_HEALTH = "liaise-occupational-health"  # only with the person's consent
    MONITOR = "monitor"
    TRANSFER_TO_ANOTHER_HUB = "transfer-to-another-hub"
    NO_FURTHER_ACTION = "no-further-action"


class Discipline(StrEnum):
    """Professional discipline of a hub clinician (seed, section 4)."""

    PSYCHOLOGY = "psychology"
    PSYCHIATRY = "psychiatry"
    NURSING = "nursing"
    SOCIAL_WORK = "social-work"
    OTHER = "other"


class OnwardReferralDeclineReason(StrEnum):
    """Why a service declined an onward referral."""

    NOT_ELIGIBLE = "not-eligible"
    NO_CAPACITY = "no-capacity"
    DIFFERENT_SERVICE_NEEDED = "different-service-needed"
    PERSON_DECLINED = "person-declined"
    OTHER = "other"


class TreatmentEndReason(StrEnum):
    """Why treatment through another service ended."""

    COMPLETED = "completed"
    ENDED_EARLY_BY_PERSON = "ended-early-by-person"
    REFERRED_ELSEWHERE = "referred-elsewhere"
    OTHER = "other"


class ContingencyAction(StrEnum):
    """The contingency triggered when a local service cannot respond rapidly (seed, 3.2)."""

    CHASED_SERVICE = "chased-service"
    ALTERNATIVE_LOCAL_SERVICE = "alternative-local-service"
    NEIGHBOURING_HUB = "neighbouring-hub"
    HUB_COMMISSIONED_SERVICE = "hub-commissioned-service"
    INTERIM_SUPPORT_FROM_HUB = "interim-support-from-hub"
    OTHER = "other"


class FeedbackRating(StrEnum):
    """Overall experience, on the Friends and Family Test response scale."""

    VERY_GOOD = "very-good"
    GOOD = "good"
    NEITHER_GOOD_NOR_POOR = "neither-good-nor-poor"
    POOR = "poor"
    VERY_POOR = "very-poor"
    DONT_KNOW = "dont-know"


class FeedbackStage(StrEnum):
    """When a service user gave feedback."""

    AFTER_ASSESSMENT = "after-assessment"
    AT_CLOSURE = "at-closure"
    OTHER = "other"


class TrainingAudience(StrEnum):
    """Who a training session was for (seed, section 3.1: capacity in employers and teams)."""

    LINE_MANAGERS = "line-managers"
    TEAMS = "teams"
    OCCUPATIONAL_HEALTH = "occupational-health"
    HEALTH_AND_WELLBEING_TEAMS = "health-and-wellbeing-teams"
    HR = "hr"
    SENIOR_LEADERS = "senior-leaders"
    PEER_SUPPORTERS = "peer-supporters"
    OTHER = "other"


class TrainingTopic(StrEnum):
    """What a training session was about."""

    HELP_SEEKING = "help-seeking"
    SUPPORTING_STAFF_WELLBEING = "supporting-staff-wellbeing"
    TRAUMA_INFORMED_PRACTICE = "trauma-informed-practice"
    PSYCHOLOGICAL_FIRST_AID = "psychological-first-aid"
    SUICIDE_PREVENTION = "suicide-prevention"
    CULTURAL_COMPETENCE = "cultural-competence"
    REFERRAL_PATHWAYS = "referral-pathways"
    OTHER = "other"


class SupervisionType(StrEnum):
    """Supervision of hub staff (seed, section 4)."""

    CLINICAL_GROUP = "clinical-group"
    CLINICAL_ONE_TO_ONE = "clinical-one-to-one"
    LINE_MANAGEMENT = "line-management"


class CheckInFormat(StrEnum):
    """A wellbeing check-in of hub staff: the team together, or one to one."""

    TEAM = "team"
    ONE_TO_ONE = "one-to-one"


class AssignmentReason(StrEnum):
    """Why a case held by one clinician goes to another."""

    LEAVE = "leave"
    CASELOAD_BALANCE = "caseload-balance"
    SPECIALISM = "specialism"
    PERSON_ASKED = "person-asked"
