"""Proof that no page or API endpoint bypasses the scope mechanism.

Every URL's view must be marked `@scoped_view` (it reads data only through `scope_of`) or
`@scope_exempt(reason=...)` (it reads no scoped data). A view added without a decision fails here.
The behaviour behind the marks is tested per page in test_access.py and per endpoint in test_api.py.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from unionserve.api import api


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_page_declares_its_scope_policy():
    missing = []
    for route, view in walk(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # ninja's dispatchers; their operations are checked below
        if not getattr(view, "scope_policy", None):
            missing.append(route)
    assert not missing, f"views without @scoped_view or @scope_exempt: {missing}"


def test_every_api_operation_declares_its_scope_policy():
    missing = []
    count = 0
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                count += 1
                if not getattr(operation.view_func, "scope_policy", None):
                    missing.append(f"{prefix}{path} {operation.methods}")
    assert count >= 5
    assert not missing, f"API operations without a scope policy: {missing}"


def test_exempt_views_give_a_reason():
    for route, view in walk(get_resolver().url_patterns):
        policy = getattr(view, "scope_policy", "")
        if policy.startswith("exempt"):
            assert len(policy) > len("exempt: ") + 3, route
