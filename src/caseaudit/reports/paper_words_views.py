"""The committee paper's words, edited by the QA lead: each text drafted from today's figures until they
write their own (reports/paper/story.py), kept with the cycle, printed in the next draft drawn."""

from __future__ import annotations

from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from caseaudit import policy
from caseaudit.ui.submission import submit

from .actions import save_paper_story
from .forms import PaperStoryForm
from .models import PaperStory
from .paper.context import story_drafts
from .paper.story import STORY, resolved
from .paper_views import paper_cycle

SAVED = (
    "The paper's words are saved. Regenerate the draft to put them in the PDF and Word files: the draft "
    "and the versions issued keep the words they were drawn with."
)


@policy.capability_required(policy.ISSUE_PAPERS)
@require_http_methods(["GET", "HEAD", "POST"])
def paper_words(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.ISSUE_PAPERS)
    cycle = paper_cycle(pk)
    drafted = story_drafts(cycle)
    story = PaperStory.objects.filter(cycle=cycle).first()
    written = story.texts if story else {}
    initial = {
        **resolved(written, drafted),
        "meeting_on": story.meeting_on if story else None,
        "compliance_on": story.compliance_on if story else None,
        "version": story.version if story else 0,
    }
    data = request.POST if request.method == "POST" else None
    form = PaperStoryForm(data, initial=initial)
    paper_url = reverse("paper:page", args=[cycle.pk])

    def fields(group: str) -> list[tuple[BoundField, str]]:
        """The group's fields, each with the draft that a text the QA lead wrote replaced (it may have
        moved with the figures since), or "" where the text is the draft."""
        return [
            (form[t.key], drafted.get(t.key, "") if written.get(t.key) else "")
            for t in STORY
            if t.group == group
        ]

    def page(status: int = 200) -> HttpResponse:
        context = {
            "cycle": cycle,
            "form": form,
            "paper_url": paper_url,
            "details": fields("details"),
            "words": fields("words"),
            "implications": fields("implications"),
            "story": story,
        }
        return render(request, "reports/paper_words.html", context, status=status)

    if data is None:
        return page()
    return submit(
        request,
        form,
        act=lambda given: save_paper_story(
            cycle,
            submitted=form.texts(),
            meeting_on=given["meeting_on"],
            compliance_on=given["compliance_on"],
            expected_version=given["version"],
            drafted=drafted,
            acting_user=user,
        ),
        page=page,
        then=paper_url,
        done=SAVED,
    )
