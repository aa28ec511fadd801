"""Signals other apps listen to.

``calendar_changed`` is sent (after the transaction commits) whenever the days of one or more years
change: an administrator entered or corrected a year's official schedule, or ``seed_calendar`` brought
in new data from the chinese-calendar package. Keyword argument ``years``: sorted list of the affected
years (ints). Sender: ``unionserve.workcalendar.models.CalendarYear``.

Deadlines computed earlier for those years may have been provisional (``DeadlineResult.provisional``)
or simply different; a receiver (the workflow engine) recomputes the open deadlines that touch them::

    from unionserve.workcalendar.signals import calendar_changed

    @receiver(calendar_changed)
    def recompute(sender, years, **kwargs): ...
"""

from django.dispatch import Signal

calendar_changed = Signal()
