"""Data migration: seed the calendar from the chinese-calendar package (same function as seed_calendar)."""

from django.db import migrations


def seed(apps, schema_editor):
    from unionserve.workcalendar.seeding import seed_from_package

    seed_from_package(
        year_model=apps.get_model("workcalendar", "CalendarYear"),
        day_model=apps.get_model("workcalendar", "CalendarDay"),
        send_signal=False,
    )


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
