"""Schemathesis over the whole API, in-process, as the city office and as a station: no server error, no
status code or body the OpenAPI document does not declare.

The demo data is seeded once for the module (inside a transaction rolled back at the end); each operation's
examples run in the test's own transaction, so writes don't leak between operations. Examples are bounded and
derandomized so the run is the same every time and fits the normal suite (see docs/decisions/0006-api.md).
"""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings

#: Examples per operation and role; the whole run (stateless and stateful) takes a few minutes on 2 cores.
MAX_EXAMPLES = 10
ROLES = ("cityoffice", "station")
#: Sequences per role in the stateful run, each of up to 4 linked calls.
STATEFUL_EXAMPLES = 15

#: What the API promises: no server error, only documented status codes, content types and bodies. Left out:
#: positive_data_acceptance (a schema-valid body may still be refused by a process rule, 400, e.g. an empty
#: applicant name) and negative_data_rejection (pydantic reads "0" as a date), see docs/decisions/0006-api.md.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

SETTINGS = settings(
    max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo database and a bearer token per role, kept for the module and rolled back after it."""
    from unionserve.accounts.models import ApiToken, User

    # The WSGI handler closes the connection at the end of each request when it is inside a transaction (as the
    # test client avoids too): keep it open, or the module's transaction would be lost after the first call.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", verbosity=0, stdout=io.StringIO())
            tokens = {}
            for username in ROLES:
                user = User.objects.get(username=username)
                tokens[username] = ApiToken.issue(user, "schemathesis")[1]
            yield tokens
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def _load_schema():
    """The OpenAPI document the application serves at /api/openapi.json, called in-process through WSGI.

    Built from the API object rather than fetched, so collecting the tests touches no database.
    """
    from unionserve.api import api
    from unionserve.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
    loaded.app = application
    return loaded


schema = _load_schema()


@schema.parametrize()
@SETTINGS
def test_api_answers_what_it_documents(case, demo, db):
    """Every operation, with generated valid and invalid input, each example sent as each role."""
    for role in ROLES:
        case.call_and_validate(headers={"Authorization": f"Bearer {demo[role]}"}, checks=CHECKS)


@pytest.mark.parametrize("role", ROLES)
def test_linked_operations_answer_what_they_document(demo, db, role):
    """Sequences of calls following the document's links (list or create → read by its key), as each role."""
    from schemathesis.generation.stateful import run_state_machine_as_test

    token = demo[role]
    followed = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def after_call(self, response, case):
            followed.append(f"{case.method} {case.path}")

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    run_state_machine_as_test(Machine, settings=settings(
        SETTINGS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=4))
    # The links were followed: reads by key came after the lists and creates that gave the key.
    assert any("{" in call for call in followed), followed
