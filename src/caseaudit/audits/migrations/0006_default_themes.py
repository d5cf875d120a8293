from django.db import migrations

THEMES = [
    ("recording-delays", "Recording delays"),
    ("supervision", "Supervision"),
    ("pathway-plan-timescale", "Pathway plan out of timescale"),
    ("management-oversight", "Management oversight"),
    ("childs-voice", "Child's voice"),
    ("assessment-quality", "Quality of assessment"),
    ("planning-and-drift", "Planning and drift"),
    ("multi-agency-working", "Multi-agency working"),
    ("statutory-visits", "Statutory visits"),
    ("relationships-and-direct-work", "Relationships and direct work"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("audits", "Theme")
    for slug, label in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_theme_audit_not_triangulated_audit_overall_rationale_and_more")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
