from django.template import Context, Template

from caseaudit.accounts.cli import actor_from
from caseaudit.policy import SYSTEM


def test_a_template_shows_what_the_policy_allows(personas):
    page = Template('{% load policy %}{% if user|can:"decide-actions" %}Verify{% endif %}')
    assert page.render(Context({"user": personas.qa_lead})) == "Verify"
    assert page.render(Context({"user": personas.moderator})) == ""


def test_a_command_acts_as_the_system_unless_a_person_is_named(personas):
    assert actor_from({}) is SYSTEM
    assert actor_from({"acting_as": "qa-lead"}) == personas.qa_lead
