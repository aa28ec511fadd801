"""The API: OpenAPI document, session and token auth, the same scope, JSON errors in the caller's language."""

import pytest

from unionserve.accounts.actions import issue_token, revoke_token


@pytest.fixture
def token(users):
    _t, key = issue_token(users["station"], "script")
    return key


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_document_and_docs_page(client, users):
    spec = client.get("/api/openapi.json").json()
    assert "/api/orgs/units" in spec["paths"] and "/api/accounts/users" in spec["paths"]
    client.force_login(users["station"])
    assert client.get("/api/docs").status_code == 200


def test_unauthenticated_calls_get_json_401_in_chinese_and_english(client, db):
    response = client.get("/api/orgs/units", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 401 and "登录" in response.json()["detail"]
    response = client.get("/api/orgs/units", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and "Log in" in response.json()["detail"]


def test_token_lists_only_the_scope(client, token):
    data = client.get("/api/orgs/units", **bearer(token)).json()
    assert sorted(u["code"] for u in data["items"]) == ["110101001", "G1", "G2"]
    assert data["count"] == 3


def test_other_stations_unit_is_404_by_id_and_code(client, token, tree):
    response = client.get(f"/api/orgs/units/{tree['st3'].pk}", **bearer(token), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404 and "detail" in response.json()
    assert "中关村" not in response.content.decode()
    assert client.get("/api/orgs/units/by-code/110108012", **bearer(token)).status_code == 404
    assert client.get(f"/api/orgs/units/{tree['st1'].pk}", **bearer(token)).json()["code"] == "110101001"


def test_other_stations_user_is_404(client, token, users):
    assert client.get(f"/api/accounts/users/{users['station3'].pk}", **bearer(token)).status_code == 404
    names = [u["username"] for u in client.get("/api/accounts/users", **bearer(token)).json()["items"]]
    assert names == ["grassroots", "station"]


def test_filters_and_pagination(client_for, users, tree):
    client = client_for(users["city"])
    data = client.get("/api/orgs/units", {"kind": "station", "page_size": 2}).json()
    assert data["count"] == 3 and len(data["items"]) == 2
    data = client.get("/api/orgs/units", {"region_parent": tree["dc"].pk}).json()
    assert sorted(u["code"] for u in data["items"]) == ["110101001", "110101002"]
    data = client.get("/api/orgs/units", {"q": "公交"}).json()
    assert {u["code"] for u in data["items"]} == {"IND05C01", "G1", "G3"}
    assert client.get("/api/orgs/units", {"level": 7}).status_code == 422


def test_permission_denied_is_403_json(client, users, tree):
    _t, key = issue_token(users["grassroots"], "x")
    response = client.get("/api/accounts/users", **bearer(key), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403 and response.json()["detail"]


def test_revoked_and_inactive_tokens_stop_working(client, users, token):
    assert client.get("/api/accounts/me", **bearer(token)).json()["username"] == "station"
    revoke_token(users["station"].api_tokens.get(), acting_user=users["station"])
    assert client.get("/api/accounts/me", **bearer(token)).status_code == 401
    _t, key = issue_token(users["station"], "again")
    users["station"].is_active = False
    users["station"].save()
    assert client.get("/api/accounts/me", **bearer(key)).status_code == 401


def test_me_lists_permissions(client_for, users):
    data = client_for(users["auditor"]).get("/api/accounts/me").json()
    assert "audit.view_auditevent" in data["permissions"] and data["roles"] == ["auditor"]


def test_token_last_used_is_kept_to_the_minute(client, token, users):
    """Every call authenticates, but "last used" is written at most once a minute (no write lock per call)."""
    import datetime as dt

    from django.utils import timezone

    from unionserve.accounts.models import LAST_USED_GRANULARITY, ApiToken

    assert client.get("/api/orgs/units", **bearer(token)).status_code == 200
    row = ApiToken.objects.get(user=users["station"])
    first = row.last_used_at
    assert first is not None
    assert client.get("/api/orgs/units", **bearer(token)).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first
    # Just under the granularity: still not written; at it: written.
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now() - LAST_USED_GRANULARITY
                                              + dt.timedelta(seconds=5))
    kept = ApiToken.objects.get(pk=row.pk).last_used_at
    client.get("/api/orgs/units", **bearer(token))
    assert ApiToken.objects.get(pk=row.pk).last_used_at == kept
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now() - LAST_USED_GRANULARITY)
    client.get("/api/orgs/units", **bearer(token))
    assert ApiToken.objects.get(pk=row.pk).last_used_at > timezone.now() - dt.timedelta(seconds=5)
