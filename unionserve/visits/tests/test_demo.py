"""The demo: files imported, an activity with sign-ins, visits this year and last; run twice, adds nothing."""

import io

from django.core.management import call_command

from unionserve.visits.models import Activity, ServedVisit, SignIn, SwipeImport


def test_demo_seeds_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert SwipeImport.objects.filter(visits_added__gt=0).count() == 2
    assert SwipeImport.objects.filter(error_rows=3).count() == 2
    assert Activity.objects.count() == 1 and SignIn.objects.count() > 0
    assert ServedVisit.objects.filter(kind="sign_in").count() == SignIn.objects.count()
    years = set(ServedVisit.objects.dates("day", "year"))
    assert len(years) == 2
    counts = (ServedVisit.objects.count(), SwipeImport.objects.count(), SignIn.objects.count())
    from unionserve.visits.demo import seed_demo

    seed_demo()
    assert (ServedVisit.objects.count(), SwipeImport.objects.count(), SignIn.objects.count()) == counts
