"""Keep the in-memory calendar (service.py) in step with its tables.

Any save or delete of a year or a day clears this process's copy at once. A change to a day also bumps
its year's ``revision`` so that other processes, which compare a token built from the year table,
notice it at their next check. Bulk writes (``bulk_create``, ``update``) send no signals; the code that
does them (seeding.py, schedule.py) bumps the revision and clears the cache itself.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from . import service
from .models import CalendarDay, CalendarYear


@receiver(post_save, sender=CalendarYear, dispatch_uid="workcalendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workcalendar_year_deleted")
def year_changed(sender, instance: CalendarYear, **kwargs) -> None:
    service.clear_cache()


@receiver(post_save, sender=CalendarDay, dispatch_uid="workcalendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workcalendar_day_deleted")
def day_changed(sender, instance: CalendarDay, **kwargs) -> None:
    CalendarYear.objects.filter(pk=instance.calendar_year_id).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    service.clear_cache()
