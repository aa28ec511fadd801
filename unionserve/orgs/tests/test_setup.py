"""A federation's tree from the shipped divisions file or from the units template, checked row by row."""

import csv

import pytest

from unionserve.core.units import UnitKind
from unionserve.orgs.models import OrgUnit
from unionserve.orgs.setup import (
    COLUMNS,
    UnitFileError,
    beijing_units,
    load_units,
    read_units,
    write_error_report,
    write_template,
)


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([h for h, _f, _r in COLUMNS])
        w.writerows(rows)
    return path


def test_beijing_without_demo_units(db):
    report = load_units(beijing_units())
    by_kind = {k: OrgUnit.objects.filter(kind=k).count() for k in UnitKind.values}
    assert by_kind[UnitKind.STATION] == 349 and by_kind[UnitKind.DISTRICT_CENTER] == 16
    assert by_kind[UnitKind.INDUSTRY_UNION] == 8 and by_kind[UnitKind.DEPARTMENT] == 7
    assert by_kind[UnitKind.COMPANY_UNION] == 0 and by_kind[UnitKind.GRASSROOTS] == 0
    assert len(report.created) == OrgUnit.objects.count()
    again = load_units(beijing_units())
    assert again.created == [] and len(again.existing) == OrgUnit.objects.count()


def test_another_city_from_the_template_in_any_order(db, tmp_path):
    template = write_template(tmp_path / "units.xlsx")
    assert read_units(template) == []  # the blank template reads as no rows
    path = write_csv(tmp_path / "units.csv", [
        ["G1", "某某科技有限公司工会", "基层工会", "S1", "C1", "", "", "", ""],  # before its parents
        ["S1", "某街道工会服务站", "工会服务站", "D1", "", "", "", "", ""],
        ["D1", "某区职工服务中心", "区职工服务中心", "X", "", "", "", "", ""],
        ["X", "某市职工服务中心", "city", "", "", "", "", "", ""],
        ["I1", "某市教育工会", "产业工会", "", "X", "", "", "", ""],
        ["C1", "某大学工会", "公司工会", "", "I1", "", "", "", ""],
    ])
    load_units(read_units(path))
    grassroots = OrgUnit.objects.get(code="G1")
    assert grassroots.region_parent.code == "S1" and grassroots.industry_parent.code == "C1"
    assert grassroots.is_within(OrgUnit.objects.get(code="X"))
    # A station added later: the same file with one more row loads only that row.
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["S2", "新街道工会服务站", "工会服务站", "D1", "", "", "", "", ""])
    report = load_units(read_units(path))
    assert report.created == ["S2"] and len(report.existing) == 6


def test_every_problem_is_reported_and_nothing_saved(db, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        ["X", "某市职工服务中心", "市职工服务中心", "", "", "", "", "", ""],
        ["D1", "某区职工服务中心", "区职工服务中心", "X", "", "", "", "", ""],
        ["S1", "", "工会服务站", "NOPE", "", "", "", "", ""],        # no name, unknown parent
        ["S2", "站", "服务站点", "D1", "", "", "", "", ""],           # unknown kind
        ["D1", "重复", "区职工服务中心", "X", "", "", "", "", ""],     # duplicate code
        ["C1", "公司", "公司工会", "D1", "", "", "", "", ""],          # a company on the regional line
    ])
    with pytest.raises(UnitFileError) as caught:
        load_units(read_units(path))
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert {(4, "名称"), (4, "区域上级编码"), (5, "类别"), (6, "编码"), (7, "区域上级编码")} <= problems
    assert OrgUnit.objects.count() == 0
    report = write_error_report(caught.value.errors, tmp_path / "errors.xlsx")
    assert report.stat().st_size > 0


def test_a_wrong_header_is_refused(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("code,name\nX,Y\n", encoding="utf-8")
    with pytest.raises(UnitFileError):
        read_units(path)
