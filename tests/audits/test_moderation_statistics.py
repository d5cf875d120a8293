"""Moderation statistics on a hand-checked example: two auditors, six moderated audits."""

from __future__ import annotations

import pytest

from caseaudit.audits.models import Audit, AuditStatus, GradeScale
from caseaudit.audits.moderation import moderation_statistics

from ..factories import make_case, make_user
from .test_moderation import submitted_audit

# The Ofsted scale, worst first: 0 inadequate, 1 requires improvement, 2 good, 3 outstanding.
GRADES = ["inadequate", "requires-improvement", "good", "outstanding"]


@pytest.fixture
def six(personas):
    """Ada: (3,3), (2,2), (1,2): agreed 2, one moved up. Bea: (0,0), (2,1), (3,3): agreed 2, one down."""
    ada, bea = personas.auditor, make_user("auditor", "bea")
    ada.first_name, ada.last_name = "Ada", "Auditor"
    ada.save()
    bea.first_name, bea.last_name = "Bea", "Brown"
    bea.save()
    for auditor, pairs in ((ada, [(3, 3), (2, 2), (1, 2)]), (bea, [(0, 0), (2, 1), (3, 3)])):
        for i, j in pairs:
            submitted_audit(
                make_case(),
                auditor,
                GRADES[i],
                status=AuditStatus.MODERATED,
                moderated_grade=GRADES[j],
            )
    # Not counted: waiting for moderation, and returned.
    submitted_audit(make_case(), ada, "good")
    submitted_audit(make_case(), bea, "inadequate", status=AuditStatus.RETURNED)
    return ada, bea


def test_hand_checked_statistics(six):
    ada, bea = six
    rows = moderation_statistics(Audit.objects.all())
    table = [(r.name, r.n, r.agreed, r.moved_up, r.moved_down) for r in rows]
    assert table == [
        ("Ada Auditor", 3, 2, 1, 0),
        ("Bea Brown", 3, 2, 0, 1),
        ("All auditors", 6, 4, 1, 1),
    ]
    assert [r.agreement_rate for r in rows] == pytest.approx([2 / 3, 2 / 3, 4 / 6])
    assert [r.auditor_id for r in rows] == [ada.pk, bea.pk, None]
    assert rows[-1].overall and not rows[0].overall
    # Linear weights |i - j| / 3, n = 3 per auditor.
    # Ada: auditor a = [0, 1, 1, 1], moderator m = [0, 0, 2, 1]. Observed: one pair 1 step apart,
    #   1 / (3 * 3) = 1/9. Expected: sum a_i m_j |i - j| = (i=1: 2*1 + 1*2) + (i=2: 1*1) + (i=3: 2*1) = 7,
    #   7 / (3 * 9) = 7/27. kappa = 1 - (1/9) / (7/27) = 1 - 3/7 = 4/7 = 0.571.
    assert rows[0].kappa == pytest.approx(4 / 7)
    # Bea: a = [1, 0, 1, 1], m = [1, 1, 0, 1]. Observed 1/9. Expected: (i=0: 1*1 + 1*3) + (i=2: 1*2 + 1*1
    #   + 1*1) + (i=3: 1*3 + 1*2) = 4 + 4 + 5 = 13, 13/27. kappa = 1 - 3/13 = 10/13 = 0.769.
    assert rows[1].kappa == pytest.approx(10 / 13)
    # All six: a = m = [1, 1, 2, 2]. Observed: two pairs 1 step apart, 2 / (3 * 6) = 1/9. Expected:
    #   (i=0: 1 + 2*2 + 2*3 = 11) + (i=1: 1 + 2 + 2*2 = 7) + 2 * (i=2: 2 + 1 + 2 = 5) + 2 * (i=3: 3 + 2 + 2
    #   = 7) = 11 + 7 + 10 + 14 = 42, 42 / (3 * 36) = 7/18. kappa = 1 - (1/9) / (7/18) = 1 - 2/7 = 5/7.
    assert rows[2].kappa == pytest.approx(5 / 7)


def test_statistics_follow_the_queryset_given(six, personas):
    ada, _ = six
    rows = moderation_statistics(Audit.objects.filter(auditor=ada))
    assert [(r.name, r.n) for r in rows] == [("Ada Auditor", 3), ("All auditors", 3)]


def test_nothing_moderated_gives_an_empty_overall_row(db):
    rows = moderation_statistics(Audit.objects.all())
    assert len(rows) == 1
    assert (rows[0].n, rows[0].agreement_rate, rows[0].kappa) == (0, None, None)


def test_kappa_is_left_out_where_scales_are_mixed(six, personas):
    ada, _ = six
    three_point = GradeScale.objects.create(
        slug="three", version=1, name="Three-point scale", grades=[{"slug": s, "label": s} for s in "abc"]
    )
    audit = submitted_audit(make_case(), ada, "good", status=AuditStatus.MODERATED, moderated_grade="good")
    Audit.objects.filter(pk=audit.pk).update(grade_scale=three_point, auditor_grade="a", moderated_grade="c")
    rows = {r.name: r for r in moderation_statistics(Audit.objects.all())}
    assert (rows["Ada Auditor"].n, rows["Ada Auditor"].moved_up, rows["Ada Auditor"].kappa) == (4, 2, None)
    assert rows["Ada Auditor"].mixed_scales and rows["All auditors"].mixed_scales
    assert rows["Bea Brown"].kappa == pytest.approx(10 / 13)


def test_grades_off_the_scale_and_audits_without_an_auditor(six):
    odd = submitted_audit(make_case(), None, "good", status=AuditStatus.MODERATED, moderated_grade="good")
    broken = submitted_audit(make_case(), None, "good", status=AuditStatus.MODERATED, moderated_grade="good")
    Audit.objects.filter(pk=broken.pk).update(moderated_grade="excellent")
    rows = {r.name: r for r in moderation_statistics(Audit.objects.all())}
    assert rows["No auditor recorded"].n == 1
    assert rows["All auditors"].n == 7
    assert odd.pk
