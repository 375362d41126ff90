"""Words instead of codes: every state, transition, role and country a person reads is shown by
its label. The page test renders the timeline and the state of an enrollment in every state,
with an event for every transition, and fails on any raw code."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django_fsm import FSMField

from designation import labels
from designation.models import Designation, Enrollment, EnrollmentEvent, Membership, ProgramRules
from tests.designation.factories import enrollment_at

STATES = [code for code, _ in Enrollment.State.choices]
# Codes with an underscore never read as English; single-word states do ("the performance
# window"), so those count as raw only beside the arrow of a state change.
CODES = {*labels.TRANSITIONS} | {code for kind in labels.CHOICES.values() for code in kind}
UNDERSCORED = sorted(code for code in CODES if "_" in code)


class MainText(HTMLParser):
    """The text inside <main>, as a person reads it."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "main" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def main_text(html: str) -> str:
    parser = MainText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes(text: str) -> list[str]:
    found = [code for code in UNDERSCORED if re.search(rf"\b{code}\b", text)]
    found += re.findall(rf"(?:→\s*)({'|'.join(STATES)})\b", text)
    found += re.findall(rf"\b({'|'.join(STATES)})(?:\s*→)", text)
    return found


def fsm_transition_names() -> set[str]:
    field = next(f for f in Enrollment._meta.fields if isinstance(f, FSMField))
    return {t.name for t in getattr(Enrollment(), f"get_all_{field.name}_transitions")()}


def test_every_code_has_a_label_in_words():
    codes = {
        "enrollment_state": STATES,
        "designation_state": [c for c, _ in Designation.State.choices],
        "role": [c for c, _ in Membership.Role.choices],
    }
    for kind, values in codes.items():
        for code in values:
            label = labels.label(code, kind)
            assert label and label != code and "_" not in label, (kind, code, label)
    for name in fsm_transition_names() | {"create", "audit_failed", "renewal_opened"}:
        assert name in labels.TRANSITIONS, f"transition {name!r} has no label in words"
        assert "_" not in labels.transition_label(name)


def test_state_changes_read_as_words():
    assert labels.state_change("draft", "eligibility_review") == "Draft → Eligibility review"
    assert labels.state_change("performance", "performance") == "Still Performance assessment"
    assert labels.state_change("", "draft") == "Started as Draft"
    assert labels.humanize("some_new_code") == "Some new code"


def test_countries_are_shown_by_name():
    assert labels.country_name("GB") == "United Kingdom"
    assert labels.country_name("de") == "Germany"
    assert labels.country_name("") == ""


def test_the_checker_finds_raw_codes():
    assert set(raw_codes("submit: draft → eligibility_review")) == {"eligibility_review", "draft"}
    assert raw_codes("performance → performance")
    assert raw_codes("Draft → Eligibility review · the performance window") == []


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_the_enrollment_page_shows_no_raw_code_in_any_state(client, reviewer, state):
    enrollment = enrollment_at(state)
    rules = ProgramRules.objects.in_force(enrollment.submitted_on)
    for name in labels.TRANSITIONS:
        for from_state in ("", "draft", state):
            EnrollmentEvent.record(
                enrollment, transition=name, from_state=from_state, by=reviewer, rules_version=rules
            )
    enrollment.save()
    client.force_login(reviewer)
    for page in (
        reverse("enrollment-page", args=[enrollment.pk]),
        reverse("organization-overview", args=[enrollment.organization_id]),
    ):
        response = client.get(page)
        assert response.status_code == 200
        text = main_text(response.content.decode())
        assert labels.TRANSITIONS["approve_eligibility"] in text, page
        assert raw_codes(text) == [], (page, text)
    assert Enrollment.State(state).label in text
