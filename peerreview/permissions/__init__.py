"""Every access rule of the application, in one package.

Each ``can_*`` predicate takes the user (possibly anonymous) and the object, and returns a
bool. Views call ``require(can_x(user, obj))``; templates call the same predicates through
the ``can`` global (this package). Access comes from relations: the coordinator flag,
membership of a city (as contact or member), seats on review teams and mentorships. The
default is deny. The rules are split by feature into the modules below; everything is
available from here, so ``permissions.can_x`` is the one name for a rule.
"""

from __future__ import annotations

from peerreview.permissions.base import (  # noqa: F401
    _auth,
    is_coordinator,
    record_refusal,
    refuse,
    require,
)
from peerreview.permissions.framework import (  # noqa: F401
    can_edit_framework,
    can_view_benchmark,
    can_view_framework,
)
from peerreview.permissions.library import (  # noqa: F401
    can_read_library_item,
    can_set_publication,
    can_use_library,
    library_reader,
    public_items,
    read_in_full,
    shared_with_network,
    visible_items_rule,
    visible_library_items,
)
from peerreview.permissions.matching import (  # noqa: F401
    can_bid,
    can_edit_peer_profile,
    can_flag_conflict,
    can_have_peer_profile,
    can_set_peer_training,
    can_view_conflicts,
    can_view_peer_pool,
    has_peer_profile,
)
from peerreview.permissions.mentoring import (  # noqa: F401
    MENTORSHIP_OPEN,
    can_change_mentorship,
    can_edit_action_plan,
    can_edit_needs,
    can_endorse_plan,
    can_manage_mentoring,
    can_propose_action,
    can_record_progress,
    can_record_visit,
    can_view_mentoring,
    can_view_mentorship,
    can_view_render_job,
    has_mentorship,
    is_mentee,
    is_mentor,
    mentorship_role,
)
from peerreview.permissions.observations import (  # noqa: F401
    OBSERVATION_STATES,
    can_add_observation,
    can_edit_observation,
    can_rate_as_peer,
    can_view_observations,
)
from peerreview.permissions.participants import (  # noqa: F401
    can_add_outside_seat,
    can_answer_survey,
    can_erase_interviewee,
    can_manage_interviewees,
    can_override_consent,
    can_share_first_impressions,
    can_view_consent_check,
    can_view_first_impressions,
    can_view_interviewees,
    can_view_survey_results,
    can_write_first_impressions,
    survey_respondent,
)
from peerreview.permissions.people import (  # noqa: F401
    can_edit_city,
    can_edit_notification_preferences,
    can_invite,
    can_list_cities,
    can_manage_cities,
    can_manage_users,
    can_view_audit,
    can_view_city,
    can_view_city_members,
    can_view_tasks,
)
from peerreview.permissions.reports import (  # noqa: F401
    REPORT_AFTER_ISSUE,
    accepted_seat,
    can_answer_host_comments,
    can_comment_as_host,
    can_comment_as_team,
    can_download_report,
    can_draft_report,
    can_issue_report,
    can_lead_report,
    can_manage_factual_check,
    can_reissue_report,
    can_respond_to_recommendations,
    can_view_all_follow_up,
    can_view_city_results,
    can_view_draft,
    can_view_follow_up,
    can_view_report,
    can_view_team_comments,
    in_factual_check,
    is_report_lead,
    is_report_team,
    visible_results_cities,
)
from peerreview.permissions.reviews import (  # noqa: F401
    BEFORE_VISIT,
    SEAT_ANSWER_STATES,
    SEES_REVIEW,
    can_add_document,
    can_answer_seat,
    can_edit_programme,
    can_edit_request,
    can_edit_self_assessment,
    can_list_reviews,
    can_manage_team,
    can_request_review,
    can_set_report_language,
    can_submit_self_assessment,
    can_use_calendar,
    can_view_programme,
    can_view_review,
    can_view_self_assessment,
    is_host_contact,
    is_host_member,
    is_invited_or_on_team,
    is_team_lead,
    is_team_member,
    team_seat,
    visible_reviews,
)
from peerreview.permissions.steps import (  # noqa: F401
    REPORT_STEP_STATES,
    STEP_ACTORS,
    _coordinator_or_host_contact,
    _coordinator_or_lead,
    _may_cancel,
    _report_state,
    can_transition,
    may_take_step,
)
