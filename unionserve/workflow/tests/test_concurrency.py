"""Two users acting on one case at the same moment: one wins, the other is told to reload."""

import threading

import pytest
from django.db import connection

from unionserve.workflow import actions
from unionserve.workflow.errors import NotAllowed, StaleCase
from unionserve.workflow.models import Case, CaseEvent, Step


@pytest.mark.django_db(transaction=True)
def test_two_stations_race_on_one_case(example, people):
    case = actions.open_case("example", actor=people["agent"], title="并发")
    case = actions.perform(case, "dispatch", actor=people["agent"], data={"units": "110101001,110101002"})
    loaded = {who: Case.objects.get(pk=case.pk) for who in ("st1", "st2")}  # both open the same version
    version = case.version
    barrier = threading.Barrier(2)
    outcome = {}

    def act(who):
        try:
            barrier.wait()
            actions.perform(loaded[who], "sign", actor=people[who], data={}, version=version)
            outcome[who] = "ok"
        except (StaleCase, NotAllowed) as exc:
            outcome[who] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(who,)) for who in ("st1", "st2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == ["StaleCase", "ok"], outcome
    loser = next(who for who, result in outcome.items() if result != "ok")
    unit = people[loser].org_unit
    # The loser's step is untouched and one sign event exists: nothing half-applied.
    assert Step.objects.get(case=case, unit=unit).status == "pending_sign"
    assert CaseEvent.objects.filter(case=case, action="sign").count() == 1
    assert Case.objects.get(pk=case.pk).version == version + 1
