"""Huge page numbers and ids on every list page and API list: a 4xx with a message, never a 500 (issue 20, item 8),
and every API operation documents its error answers (item 9)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

HUGE = "99999999999999999999"


def _list_pages(resolver=None, prefix=""):
    """Every page route without a path argument (the lists and forms), as a path."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("api/"):
                continue
            yield from _list_pages(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + (prefix + route).lstrip("^").rstrip("$")


@pytest.mark.django_db
def test_huge_page_numbers_and_ids_on_every_page_are_no_server_error(client, users):
    client.force_login(users["admin"])
    failures = []
    for path in sorted(set(_list_pages())):
        if "logout" in path:
            continue
        for query in (f"page={HUGE}", f"rpage={HUGE}&ipage={HUGE}&cpage={HUGE}", f"unit={HUGE}",
                      f"region_parent={HUGE}&industry_parent={HUGE}&org_unit={HUGE}&member={HUGE}"):
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                failures.append(f"{path}?{query}: {response.status_code}")
    assert not failures


@pytest.mark.django_db
def test_huge_numbers_on_every_api_operation_answer_422(client, users):
    from unionserve.api import api

    client.force_login(users["admin"])
    document = api.get_openapi_schema(path_prefix="/api/")
    failures = []
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        url = path
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", HUGE)
        query = "&".join(f"{p['name']}={HUGE}" for p in operations["get"].get("parameters", [])
                         if p["in"] == "query")
        response = client.get(f"{url}?{query}")
        if response.status_code >= 500 or response.status_code not in {
                int(code) for code in operations["get"]["responses"]}:
            failures.append(f"{url}?{query}: {response.status_code}")
    assert not failures


@pytest.mark.django_db
def test_a_huge_page_number_is_422_with_a_message(client, users):
    client.force_login(users["admin"])
    response = client.get(f"/api/orgs/units?page={HUGE}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["detail"]
    response = client.get(f"/api/orgs/units/{HUGE}")
    assert response.status_code == 422


def test_every_operation_documents_its_error_answers():
    from unionserve.api import api

    document = api.get_openapi_schema(path_prefix="/api/")
    assert "ErrorOut" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"400", "401", "403", "404", "422"} <= codes, (method, path, codes)
            if method in {"post", "put", "patch", "delete"}:
                assert "409" in codes, (method, path)


def test_money_is_a_decimal_string_in_the_document():
    from unionserve.api import api

    document = api.get_openapi_schema(path_prefix="/api/")
    money = [prop for schema in document["components"]["schemas"].values()
             for prop in schema.get("properties", {}).values()
             for option in prop.get("anyOf", [prop]) if "Yuan" in option.get("description", "")
             for prop in [option]]
    assert money
    assert all(m["type"] == "string" and m["pattern"].startswith("^[0-9]") for m in money)
