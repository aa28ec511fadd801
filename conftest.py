"""Shared pytest fixtures: the Beijing tree in miniature and users at each level."""

from __future__ import annotations

import pytest


@pytest.fixture
def tree(db):
    """A small two-line tree: city, two districts with stations and grassroots unions, an industry line."""
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import UnitKind as K

    t = {}
    t["city"] = create_unit(name="市中心", kind=K.CITY_CENTER, code="110000")
    t["dept"] = create_unit(name="法律工作部", kind=K.DEPARTMENT, region_parent=t["city"], code="D02")
    t["dc"] = create_unit(name="东城区中心", kind=K.DISTRICT_CENTER, region_parent=t["city"], code="110101")
    t["hd"] = create_unit(name="海淀区中心", kind=K.DISTRICT_CENTER, region_parent=t["city"], code="110108")
    t["st1"] = create_unit(name="东华门站", kind=K.STATION, region_parent=t["dc"], code="110101001")
    t["st2"] = create_unit(name="景山站", kind=K.STATION, region_parent=t["dc"], code="110101002")
    t["st3"] = create_unit(name="中关村站", kind=K.STATION, region_parent=t["hd"], code="110108012")
    t["ind"] = create_unit(name="交通运输工会", kind=K.INDUSTRY_UNION, industry_parent=t["city"], code="IND05")
    t["ind2"] = create_unit(name="教育工会", kind=K.INDUSTRY_UNION, industry_parent=t["city"], code="IND01")
    t["co"] = create_unit(name="公交集团工会", kind=K.COMPANY_UNION, industry_parent=t["ind"], code="IND05C01")
    # g1: under station 1 and the bus company; g2: station 1 only; g3: station 3 and the bus company.
    t["g1"] = create_unit(name="公交一厂工会", kind=K.GRASSROOTS, region_parent=t["st1"], industry_parent=t["co"],
                          code="G1")
    t["g2"] = create_unit(name="东华门科技公司工会", kind=K.GRASSROOTS, region_parent=t["st1"], code="G2")
    t["g3"] = create_unit(name="公交三厂工会", kind=K.GRASSROOTS, region_parent=t["st3"], industry_parent=t["co"],
                          code="G3")
    return t


@pytest.fixture
def make_user(db):
    """make_user(unit, *roles, username=None) → an active user who needs no password change."""
    from unionserve.accounts.actions import create_user

    counter = {"n": 0}

    def make(unit, *roles, username=None, password="Test-pass-123"):  # noqa: S107
        counter["n"] += 1
        return create_user(
            username=username or f"u{counter['n']}", display_name=f"用户{counter['n']}", org_unit=unit,
            roles=list(roles), password=password, must_change_password=False, acting_user=None,
        )

    return make


@pytest.fixture
def users(tree, make_user):
    """One user per typical position."""
    from unionserve.core.roles import Role

    return {
        "admin": make_user(tree["city"], Role.SYSTEM_ADMIN, username="admin"),
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="city"),
        "auditor": make_user(tree["city"], Role.AUDITOR, username="auditor"),
        "district": make_user(tree["dc"], Role.CENTER_STAFF, username="district"),
        "company": make_user(tree["co"], Role.CENTER_STAFF, username="company"),
        "station": make_user(tree["st1"], Role.SOCIAL_WORKER, username="station"),
        "station3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="station3"),
        "grassroots": make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="grassroots"),
    }


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
