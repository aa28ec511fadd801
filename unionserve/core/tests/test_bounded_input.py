"""Huge page numbers and ids on every list page and API operation: a 4xx with a message, never a 500 (issue 20,
item 8), and every API operation documents its error answers and types money as a decimal string (item 9)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

HUGE = "99999999999999999999"
WRITES = {"post", "put", "patch", "delete"}


def _pages(resolver=None, prefix=""):
    """Every page route without a path argument (the lists and forms), as a path; the API is walked apart."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("api/"):
                continue
            yield from _pages(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + (prefix + route).lstrip("^").rstrip("$")


def _document():
    from unionserve.api import api

    return api.get_openapi_schema(path_prefix="/api/")


@pytest.mark.django_db
def test_huge_page_numbers_and_ids_on_every_page_are_no_server_error(client, users):
    client.force_login(users["city"])
    failures = []
    for path in sorted(set(_pages())):
        if "logout" in path:
            continue
        for query in (f"page={HUGE}", f"rpage={HUGE}&ipage={HUGE}&cpage={HUGE}", f"unit={HUGE}",
                      f"region_parent={HUGE}&industry_parent={HUGE}&org_unit={HUGE}&member={HUGE}"):
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                failures.append(f"{path}?{query}: {response.status_code}")
    assert not failures


@pytest.mark.django_db
def test_huge_numbers_in_every_api_read_are_documented_4xx(client, users):
    client.force_login(users["city"])
    failures = []
    for path, operations in _document()["paths"].items():
        if "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])
        url = path
        for parameter in parameters:
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", HUGE)
        query = "&".join(f"{p['name']}={HUGE}" for p in parameters if p["in"] == "query")
        response = client.get(f"{url}?{query}")
        documented = {int(code) for code in operations["get"]["responses"]}
        if response.status_code >= 500 or response.status_code not in documented:
            failures.append(f"{url}?{query}: {response.status_code}")
    assert not failures


@pytest.mark.django_db
def test_a_huge_page_number_or_id_is_422_with_a_message(client, users):
    client.force_login(users["city"])
    for url in (f"/api/orgs/units?page={HUGE}", f"/api/orgs/units/{HUGE}", f"/api/orgs/units?region_parent={HUGE}",
                f"/api/hotline/requests?page={HUGE}", f"/api/knowledge/articles?offset={HUGE}"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 422, url
        assert response.json()["detail"] == "请求无效，请查看错误信息。", url


@pytest.mark.django_db
def test_a_huge_page_number_on_a_page_shows_the_first_page(client, users):
    client.force_login(users["city"])
    response = client.get(f"/audit/?page={HUGE}")
    assert response.status_code in (200, 403)


def test_every_operation_documents_its_error_answers():
    document = _document()
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
    count = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            count += 1
            codes = {str(code) for code in operation["responses"]}
            assert {"400", "401", "403", "404", "422"} <= codes, (method, path, codes)
            assert ("409" in codes) == (method in WRITES), (method, path)
            assert operation["responses"][422]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"}
    assert count >= 40


def test_money_is_a_decimal_string_in_the_document():
    money = []
    for schema in _document()["components"]["schemas"].values():
        for prop in schema.get("properties", {}).values():
            money += [option for option in prop.get("anyOf", [prop]) if "Yuan" in option.get("description", "")]
    assert money
    assert all(m["type"] == "string" and m["pattern"] == r"^[0-9]{1,12}(\.[0-9]{1,2})?$" for m in money)


def test_id_path_parameters_are_bounded():
    from unionserve.core.api import MAX_ID

    for path, operations in _document()["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    assert parameter["schema"]["maximum"] == MAX_ID, (path, parameter["name"])


@pytest.mark.django_db
def test_a_number_too_large_for_the_database_on_a_page_is_a_400_in_the_users_language(client, users, settings):
    # Django already answers most out-of-range lookups with nothing; the net is for the rest (an OFFSET, raw SQL).
    from django.urls import path

    from unionserve import urls

    def overflowing(request):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": [path("overflow/", overflowing), *urls.urlpatterns]})
    client.force_login(users["city"])
    response = client.get("/overflow/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "A number in the request is too large." in response.content.decode()


def test_page_numbers_past_the_bound_show_the_first_page():
    from unionserve.core.paging import MAX_PAGE, LookaheadPaginator

    paginator = LookaheadPaginator(list(range(30)), 10)
    assert paginator.get_page(HUGE).number == 1
    assert paginator.get_page(str(MAX_PAGE + 1)).number == 1
    assert paginator.get_page("3").number == 3


def test_links_never_put_a_null_into_a_path():
    document = _document()
    components = document["components"]["schemas"]
    links = 0
    for operations in document["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    for expression in link["parameters"].values():
                        if not expression.startswith("$response.body#"):
                            continue
                        links += 1
                        field = expression.rsplit("/", 1)[-1]
                        name = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                        body = components[name]
                        if "/items/0/" in expression:
                            body = components[body["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]]
                        assert field in body["required"]
                        assert body["properties"][field]["type"] in ("integer", "string")
    assert links >= 10
