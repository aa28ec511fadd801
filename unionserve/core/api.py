"""Small helpers shared by every app's API module: pagination, the permission error, bounded ids, and the
error answers every operation documents."""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, PaginationBase

from .paging import MAX_PAGE, LookaheadPaginator

#: The largest primary key the database's integer holds (SQLite INTEGER, PostgreSQL bigint); a larger number
#: in a path or a filter would overflow the query and answer 500, so it is refused with 422 before.
MAX_ID = 2**63 - 1

#: A database id in a path, a query or a body: 1 to MAX_ID.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: An optimistic-lock version number: 0 to MAX_ID.
Version = Annotated[int, Field(ge=0, le=MAX_ID)]


class ErrorOut(Schema):
    """Every error the API answers: a sentence in the request's language, and for 422 the invalid fields."""

    detail: str
    errors: list[dict[str, Any]] | None = None


def require_perm(request, perm: str) -> None:
    """Raise 403 (JSON, in the request's language) unless the caller holds `perm`."""
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not include this work."))


class LookaheadPagination(PaginationBase):
    """Pages of a long list without counting it (core.paging): ``{"items", "page", "has_next"}``.

    For lists of a million rows (12351 requests), where an exact count through the scope filter costs far more
    than the page; ask for ``page + 1`` while ``has_next``.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(settings.UNIONSERVE["API_PAGE_SIZE"], ge=1, le=500)

    class Output(Schema):
        items: list
        page: int
        has_next: bool

    def paginate_queryset(self, queryset, pagination, request=None, **params):
        page = LookaheadPaginator(queryset, pagination.page_size).page(pagination.page)
        return {"items": page.object_list, "page": page.number, "has_next": page.has_next()}


class Pagination(PageNumberPagination):
    """Numbered pages with a count, the page size bounded (1–500)."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(settings.UNIONSERVE["API_PAGE_SIZE"], ge=1, le=500)

    def paginate_queryset(self, queryset, pagination, request=None, **params):
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, pagination, request=request, **params)


#: The errors every operation may answer, with when; writes add 409 (changed since read). The handlers in
#: unionserve/api.py produce exactly these, always as ErrorOut.
ERRORS_ALWAYS = {
    400: "Refused by a rule (of the process, or a value that cannot be used); detail says which.",
    401: "Not logged in, or the token is not valid (or its account is locked or must change its password).",
    403: "Your roles do not include this work.",
    404: "Not found, or not in your part of the organization.",
    422: "The request is not valid (a field missing, of the wrong type or out of bounds); see errors.",
}
ERRORS_WRITE = {
    409: "Changed by someone else since you read it; read it again.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


class DocumentedErrorsAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document declares the error answers of every operation, in one place.

    Operations declare only their success; what the shared exception handlers answer (401, 403, 404, 422 and
    400, and for writes 409) is added here with the one error schema, so a client generated from the document
    knows every status it can get.
    """

    def get_openapi_schema(self, *args, **kwargs):
        """The document ninja builds, with ErrorOut answers added to every operation."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                codes = dict(ERRORS_ALWAYS)
                if method in WRITE_METHODS:
                    codes.update(ERRORS_WRITE)
                responses = operation.setdefault("responses", {})
                for code, description in sorted(codes.items()):
                    responses.setdefault(code, {
                        "description": description, "content": {"application/json": {"schema": ref}}})
        _add_links(schema)
        return schema


def _add_links(schema: dict) -> None:
    """OpenAPI links from what an operation answers to the operation reading it by its key.

    django-ninja writes no links; with them a client (and a stateful fuzzer) knows that the ``id`` or ``number``
    a create answers, or a list's first item has, is the path parameter of ``GET <path>/{key}``. Only keys the
    answer always holds (required, not nullable) are linked, so a link never puts a null into a path.
    """
    components = schema.get("components", {}).get("schemas", {})

    def body_fields(response: dict) -> tuple[str, dict]:
        content = response.get("content", {}).get("application/json", {}).get("schema", {})
        name = content.get("$ref", "").rsplit("/", 1)[-1]
        body = components.get(name, {})
        if "items" in body.get("properties", {}):  # a page: link from its first item
            item = body["properties"]["items"].get("items", {}).get("$ref", "").rsplit("/", 1)[-1]
            return "/items/0", components.get(item, {})
        return "", body

    paths = schema.get("paths", {})
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in ("get", "post"):
                continue
            code = 201 if method == "post" else 200
            response = operation.get("responses", {}).get(code)
            if not response:
                continue
            prefix, body = body_fields(response)
            required = set(body.get("required", []))
            for target, target_operations in paths.items():
                getter = target_operations.get("get")
                if getter is None or not target.startswith(path.rstrip("/") + "/{") or target.count("{") != (
                        path.count("{") + 1):
                    continue
                parameter = target[len(path.rstrip("/")) + 2:].split("}", 1)[0]
                if "/" in target[len(path.rstrip("/")) + 1:].split("}", 1)[1]:
                    continue  # only the object itself, not its sub-resources
                field = next((f for f in (parameter, "id", "number") if f in required
                              and body["properties"][f].get("type") in ("integer", "string")), None)
                if field is None:
                    continue
                link_parameters = {parameter: f"$response.body#{prefix}/{field}"}
                for other in getter.get("parameters", []):
                    if other["in"] == "path" and other["name"] != parameter:
                        link_parameters[other["name"]] = f"$request.path.{other['name']}"
                response.setdefault("links", {})[f"get_{parameter}"] = {
                    "operationId": getter["operationId"], "parameters": link_parameters}
