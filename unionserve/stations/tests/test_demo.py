import pytest

from unionserve.stations.models import MonthlyReport, ReportStatus, StationProfile


@pytest.mark.django_db
def test_demo_seeds_once_with_late_missing_and_returned_reports():
    from unionserve.orgs.seed import seed_beijing
    from unionserve.stations.demo import seed_demo

    seed_beijing()
    line = seed_demo()
    assert "profiles" in line
    profiles = StationProfile.objects.count()
    assert profiles > 0
    assert seed_demo() == "stations: already seeded"
    assert StationProfile.objects.count() == profiles
    reports = list(MonthlyReport.objects.all())
    assert any(not r.on_time for r in reports) and any(r.on_time for r in reports)
    assert len(reports) < profiles * 12  # some missing
    assert any(r.status == ReportStatus.RETURNED for r in reports)
