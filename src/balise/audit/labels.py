"""Audit action codes as words in the reader's language, and event details as fields."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: Final[Mapping[str, Any]] = {
    "api_token.create": _("API token created"),
    "api_token.refused": _("API token refused"),
    "api_token.revoke": _("API token revoked"),
    "audit.exported": _("Audit log exported"),
    "audit.verified": _("Chain verified"),
    "audit.verify_started": _("Chain verification started"),
    "auth.password_changed": _("Password changed"),
    "authz.not_visible": _("Look-up of another organisation's object refused"),
    "invitation.approved": _("Invitation approved"),
    "job.read": _("Job page viewed"),
    "mail.address_suppressed": _("Address suppressed (no more mail)"),
    "mail.outbox_read": _("Mail outbox viewed"),
    "mail.retried": _("Mail sent again"),
    "auth.lockout": _("Account locked after failed sign-ins"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.logout": _("Signed out"),
    "auth.logout_everywhere": _("Signed out everywhere"),
    "auth.mfa_enrolled": _("Two-step verification set up"),
    "auth.mfa_failed": _("Two-step code refused"),
    "auth.mfa_verified": _("Two-step code accepted"),
    "auth.password_reset_completed": _("Password reset"),
    "auth.password_reset_requested": _("Password reset requested"),
    "auth.reauth_failed": _("Confirmation of identity failed"),
    "auth.recovery_code_used": _("Recovery code used"),
    "auth.recovery_codes_regenerated": _("Recovery codes renewed"),
    "auth.session_expired": _("Session expired"),
    "authz.denied": _("Access refused"),
    "demo.loaded": _("Demo network loaded"),
    "demo.situations_added": _("Demo situations added"),
    "demo.user_created": _("Demo user created"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.created": _("Invitation sent"),
    "invitation.revoked": _("Invitation revoked"),
    "member.deactivated": _("Member deactivated"),
    "member.mfa_reset": _("Member's two-step verification reset"),
    "member.role_changed": _("Member's role changed"),
    "network.key_custodian_appointed": _("Key custodian appointed"),
    "network.key_custodian_removed": _("Key custodian removed"),
    "network.key_published": _("Network key published"),
    "network.organisation_created": _("Organisation created"),
    "network.organisation_updated": _("Organisation updated"),
    "network.platform_role_changed": _("Platform role changed"),
    "network.secret_wrapped": _("Network secret handed to an organisation"),
    "observatory.exported": _("Statistics exported"),
    "observatory.linkage_run": _("Linkage run finished"),
    "observatory.linkage_started": _("Linkage run started"),
    "observatory.release_deleted": _("Release draft deleted"),
    "observatory.release_drafted": _("Release drafted"),
    "observatory.release_edited": _("Release draft edited"),
    "observatory.release_previewed": _("Release preview computed"),
    "observatory.release_published": _("Release published"),
    "observatory.release_self_approval_refused": _("Self-approval of a release refused"),
    "observatory.release_withdrawn": _("Release withdrawn"),
    "reports.subcategory_created": _("Finance sub-category added"),
    "reports.year_created": _("Financial year added"),
    "reports.line_added": _("Finance line added"),
    "reports.line_deleted": _("Finance line deleted"),
    "reports.year_imported": _("Financial year imported"),
    "reports.year_closed": _("Financial year closed"),
    "reports.year_reopened": _("Financial year reopened"),
    "reports.team_member_created": _("Team member added"),
    "reports.team_member_updated": _("Team member updated"),
    "reports.team_photo_set": _("Team member's photo saved (with consent)"),
    "reports.team_photo_removed": _("Team member's photo removed"),
    "reports.report_created": _("Activity report created"),
    "reports.report_updated": _("Activity report updated"),
    "reports.section_created": _("Report section added"),
    "reports.section_updated": _("Report section updated"),
    "reports.section_deleted": _("Report section deleted"),
    "reports.report_regenerated": _("Report figures read again"),
    "reports.report_frozen": _("Activity report frozen and published"),
    "security.identity_field_refused": _("Identity field refused"),
    "situation.create": _("Situation recorded"),
    "situation.export": _("Situations exported"),
    "situation.import_refused": _("Situation import refused"),
    "situation.list": _("Situations listed"),
    "situation.read": _("Situation read"),
    "situation.update": _("Situation updated"),
    "detection.guidance.update": _("Detection guidance updated"),
    "member.reactivated": _("Member reactivated"),
    "newsletter.bounced": _("Newsletter address bounced"),
    "newsletter.issue_created": _("Newsletter issue created"),
    "newsletter.issue_send_resumed": _("Newsletter sending resumed"),
    "newsletter.issue_send_started": _("Newsletter sending started"),
    "newsletter.issue_sent": _("Newsletter issue sent"),
    "newsletter.issue_tested": _("Newsletter test sent"),
    "newsletter.issue_updated": _("Newsletter issue updated"),
    "newsletter.subscriber_erased": _("Subscriber erased"),
    "newsletter.subscribers_exported": _("Subscribers exported"),
    "newsletter.subscribers_imported": _("Subscribers imported"),
    "newsletter.subscription_confirmed": _("Newsletter subscription confirmed"),
    "newsletter.subscription_requested": _("Newsletter subscription requested"),
    "newsletter.unsubscribed": _("Unsubscribed from the newsletter"),
    "publication.created": _("Publication created"),
    "publication.published": _("Publication published"),
    "publication.unpublished": _("Publication back to draft"),
    "publication.updated": _("Publication updated"),
    "publication.version_saved": _("Publication language version saved"),
    "training.attendance_exported": _("Attendance list exported"),
    "training.attendance_viewed": _("Attendance list viewed"),
    "training.certificate_issued": _("Certificate of attendance issued"),
    "training.course_changed": _("Training course changed"),
    "training.course_created": _("Training course created"),
    "training.offer_expired": _("Waitlist offer expired"),
    "training.person_erased": _("Participant's data erased"),
    "training.person_exported": _("Participant's data exported"),
    "training.person_viewed": _("Participant's data viewed"),
    "training.purge": _("Training participants purged"),
    "training.registration_added": _("Participant added by staff"),
    "training.registration_approve": _("Registration approved"),
    "training.registration_attended": _("Marked present"),
    "training.registration_cancel": _("Registration cancelled by staff"),
    "training.registration_no_show": _("Marked absent"),
    "training.registration_refuse": _("Registration refused"),
    "training.registration_unmark": _("Attendance mark removed"),
    "training.registrations_viewed": _("Registrations viewed"),
    "training.session_cancelled": _("Training session cancelled"),
    "training.session_changed": _("Training session changed"),
    "training.session_created": _("Training session created"),
}


def action_label(code: str) -> str:
    """The action in words; an unknown code reads as its own words ("a.b_c": "a b c")."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    return code.replace(".", " ").replace("_", " ")


def detail_fields(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Each detail as (field in words, value as text); nested values as compact JSON."""
    out = []
    for key, value in sorted((details or {}).items()):
        if isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif value is None:
            text = "\u2014"
        else:
            text = str(value)
        out.append((key.replace("_", " "), text))
    return out
