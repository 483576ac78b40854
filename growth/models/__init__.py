from growth.models.checkins import ActionItem, AgendaItem, CheckIn, CheckInKind
from growth.models.comments import FeedbackComment
from growth.models.feedback import (
    FeedbackNote,
    FeedbackRequest,
    RequestStatus,
    Sentiment,
    Visibility,
)
from growth.models.goals import Goal, GoalCheckIn, GoalKind, GoalStatus
from growth.models.imports import PendingImport
from growth.models.insight import InsightCount
from growth.models.learning import (
    PUBLIC_LEARNING_KINDS,
    Attendance,
    LearningActivity,
    LearningKind,
)
from growth.models.people import (
    Competency,
    CompetencyKind,
    Engineer,
    Level,
    Mentorship,
    Track,
)
from growth.models.reminders import (
    DEFAULT_RULES,
    NOTICE_KIND_CHOICES,
    EventKind,
    Notification,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
    Weekday,
)
from growth.models.rhythm import LearningDayPlan, SprintCadence
from growth.models.sessions import (
    Hackathon,
    HackathonTeam,
    LearningSession,
    SessionFeedback,
    SessionSignup,
    SessionStatus,
    TopicKind,
)
from growth.models.submissions import Submission

__all__ = [
    "DEFAULT_RULES",
    "NOTICE_KIND_CHOICES",
    "PUBLIC_LEARNING_KINDS",
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "CheckIn",
    "CheckInKind",
    "Competency",
    "CompetencyKind",
    "Engineer",
    "EventKind",
    "FeedbackComment",
    "FeedbackNote",
    "FeedbackRequest",
    "Goal",
    "GoalCheckIn",
    "GoalKind",
    "GoalStatus",
    "Hackathon",
    "HackathonTeam",
    "InsightCount",
    "LearningActivity",
    "LearningDayPlan",
    "LearningKind",
    "LearningSession",
    "Level",
    "Mentorship",
    "Notification",
    "PendingImport",
    "Reminder",
    "ReminderKind",
    "ReminderPreference",
    "ReminderRule",
    "ReminderStatus",
    "RequestStatus",
    "Sentiment",
    "SessionFeedback",
    "SessionSignup",
    "SessionStatus",
    "SprintCadence",
    "Submission",
    "TopicKind",
    "Track",
    "Visibility",
    "Weekday",
]
