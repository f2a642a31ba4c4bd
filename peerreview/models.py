"""Imports every feature's models so that SQLAlchemy's metadata and Alembic see all tables."""

from peerreview.audit.models import AuditEntry  # noqa: F401
from peerreview.auth.models import AccountToken, LoginSession, User  # noqa: F401
from peerreview.cities.models import City  # noqa: F401
from peerreview.deadlines.models import HeldMessage, NotificationPreference, ReminderSent  # noqa: F401
from peerreview.files.models import StoredFile  # noqa: F401
from peerreview.framework.models import Benchmark, ContextFactor, GuideQuestion, KeyFactor, Theme  # noqa: F401
from peerreview.jobs.models import RenderJob  # noqa: F401
from peerreview.library.models import LibraryItem, Publication, WithheldItem  # noqa: F401
from peerreview.matching.models import (  # noqa: F401
    ConflictOfInterest,
    MatchRun,
    PeerExpertise,
    PeerProfile,
    PeerUnavailability,
    ReviewBid,
)
from peerreview.mentoring.models import (  # noqa: F401
    MentoringScheme,
    MentoringVisit,
    Mentorship,
    MentorshipEvent,
    MentorshipPerson,
    NeedsAssessment,
    NeedsEntry,
    ProgressRating,
    ProgressReview,
    SchemeCity,
)
from peerreview.mentoring.plan_models import (  # noqa: F401
    ActionUpdate,
    MentoringAction,
    PlanEndorsement,
    PlanVersion,
)
from peerreview.notifications.models import OutgoingMail  # noqa: F401
from peerreview.observations.models import Observation, PeerRating  # noqa: F401
from peerreview.people.models import (  # noqa: F401
    ConsentOverride,
    FirstImpressions,
    Interviewee,
    SurveyResponse,
)
from peerreview.reports.models import (  # noqa: F401
    Finding,
    Recommendation,
    RecommendationUpdate,
    Report,
    ReportComment,
    ReportRevision,
    ReportSection,
    ReportVersion,
)
from peerreview.reviews.models import (  # noqa: F401
                                         CalendarToken,
                                         EvidenceFile,
                                         Review,
                                         ReviewDocument,
                                         ReviewEvent,
                                         SelfAssessment,
                                         SelfAssessmentEntry,
                                         TeamMember,
                                         VisitSession,
)


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's comparison of the models with the database: what the migrations make by
    hand and no model describes (the library's full-text index, the data versions) is left out."""
    from peerreview import data_version
    from peerreview.library import models as library

    return name not in library.UNMANAGED and name not in data_version.UNMANAGED
