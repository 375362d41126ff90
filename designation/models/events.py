"""The enrollment's append-only, hash-chained event log: one row per transition or outcome."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from designation import rules as journey_rules
from designation.models.enrollment import Enrollment
from designation.models.organizations import ProgramRules


class EnrollmentEvent(models.Model):
    """One transition of one enrollment: append-only, each hash chained to the one before."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, help_text="'system' for automatic moves.")
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    note = models.TextField(blank=True)
    rules_version = models.ForeignKey(ProgramRules, on_delete=models.PROTECT, related_name="+")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["enrollment_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "sequence"], name="one_event_per_sequence"
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="enrollment_events_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} → {self.to_state}"

    def hashed_fields(self) -> dict:
        """The fields the hash covers, as the chain check recomputes them."""
        return {
            "enrollment": self.enrollment_id,
            "sequence": self.sequence,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "transition": self.transition,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "note": self.note,
            "rules_version": self.rules_version_id,
        }

    @classmethod
    def record(
        cls,
        enrollment: Enrollment,
        *,
        transition: str,
        from_state: str,
        by,
        rules_version: ProgramRules,
        reason: str = "",
        note: str = "",
    ) -> "EnrollmentEvent":
        """Append the event (the caller holds the enrollment's row lock) and move the head."""
        previous = enrollment.last_event_hash or journey_rules.GENESIS_HASH
        sequence = enrollment.events.count() + 1
        event = cls(
            enrollment=enrollment,
            sequence=sequence,
            at=timezone.now(),
            actor=by,
            # The person's display name as it was then (their user name when they gave none).
            actor_name=(by.get_full_name() or by.get_username())[:150] if by else "system",
            transition=transition,
            from_state=from_state,
            to_state=enrollment.state,
            reason=reason,
            note=note,
            rules_version=rules_version,
            previous_hash=previous,
        )
        event.hash = journey_rules.event_hash(event.hashed_fields(), previous)
        event.save()
        enrollment.last_event_hash = event.hash
        return event

    @classmethod
    def first_events(
        cls,
        entries: list[tuple[int, str]],
        *,
        transition: str,
        to_state: str,
        by,
        rules_version: ProgramRules,
    ) -> list["EnrollmentEvent"]:
        """The first event (an outcome, with its note) of each of many enrollments whose ids are
        drawn but whose rows are not written yet, hashes computed, unsaved: so the enrollments
        go in with their heads (last_event_hash = the event's hash) and then their events, one
        INSERT each and no UPDATE."""
        at = timezone.now()
        actor_name = (by.get_full_name() or by.get_username())[:150] if by else "system"
        events = []
        for enrollment_id, note in entries:
            event = cls(
                enrollment_id=enrollment_id,
                sequence=1,
                at=at,
                actor=by,
                actor_name=actor_name,
                transition=transition,
                from_state="",
                to_state=to_state,
                note=note,
                rules_version=rules_version,
                previous_hash=journey_rules.GENESIS_HASH,
            )
            event.hash = journey_rules.event_hash(event.hashed_fields(), event.previous_hash)
            events.append(event)
        return events
