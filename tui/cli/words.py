"""What each table holds, in words (plural), for the commands' counts and receipts."""

from __future__ import annotations

from tui.i18n import N_

TABLE_NAMES = {
    "programmes": N_("programmes"), "places": N_("places"),
    "institutions": N_("institutions"), "courses": N_("courses"), "people": N_("people"),
    "topic_wishes": N_("topic wishes"), "sessions": N_("sessions"),
    "enrolments": N_("enrolments"), "attendance": N_("attendance marks"),
    "journals": N_("journals"), "journal_entries": N_("journal entries"),
    "journal_goals": N_("journal goals"), "ratings": N_("learning-goal ratings"),
    "transfer_notes": N_("transfer notes"),
}
