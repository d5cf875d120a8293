from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def cohort_from_case(apps, schema_editor):
    # Audits made before this field existed take their case's cohort as it is now: the best there is.
    Audit = apps.get_model("audits", "Audit")
    Case = apps.get_model("cases", "Case")
    Audit.objects.update(cohort=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("cohort")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0003_audit_auditor_grade_audit_moderated_grade_and_more"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="audit",
            name="cohort",
            field=models.CharField(
                choices=[
                    ("care-leaver", "Care leaver"),
                    ("looked-after", "Looked after child"),
                    ("child-protection", "Child protection"),
                    ("child-in-need", "Child in need"),
                    ("early-help", "Early help"),
                ],
                default="",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(cohort_from_case, migrations.RunPython.noop),
    ]
