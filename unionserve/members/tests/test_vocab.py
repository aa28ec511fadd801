"""One vocabulary per coded member field, enforced alike by the model, the edit form, the API and the import."""

from __future__ import annotations

import importlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from unionserve.accounts.actions import issue_token
from unionserve.members import vocab
from unionserve.members.forms import MemberEditForm
from unionserve.members.models import Member
from unionserve.members.template import MEMBER_COLUMNS

from .factories import id_number, make_member
from .test_import import csv_bytes, do_import, employers, errors_of, media, member_row, station_user  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_template_lists_the_vocabularies_terms():
    helps = {c.key: c.help for c in MEMBER_COLUMNS}
    for field, vocabulary in vocab.FIELDS.items():
        assert helps[field] == vocab.allowed_terms(vocabulary) + ".", field


def test_the_chinese_labels_are_the_template_terms():
    with translation.override("zh-hans"):
        for vocabulary, terms in vocab.TERMS.items():
            assert {c: str(vocabulary(c).label) for c in vocabulary.values} == terms


def test_the_database_refuses_free_text(tree):
    member = make_member(tree["g1"], "钱一", number=id_number(seq=401))
    for field in vocab.FIELDS:
        with pytest.raises(IntegrityError), transaction.atomic():
            Member.objects.filter(pk=member.pk).update(**{field: "在岗"})
    Member.objects.filter(pk=member.pk).update(employment="employed", education="", hukou="local_rural")


def _form(**changes) -> MemberEditForm:
    data = {"version": 1, "name": "钱一", "phone": "", "status": "active", **changes}
    return MemberEditForm(data, initial={})


def test_the_edit_form_is_a_select_and_refuses_free_text():
    form = _form(employment="在岗", education="bachelor", hukou="北京")
    assert not form.is_valid()
    assert set(form.errors) == {"employment", "hukou"}
    assert form.errors["employment"] == [
        "Not one of the allowed values: Employed / Flexibly employed / Awaiting a post / Unemployed / Retired."]
    assert 'value="retired"' in str(form["employment"]) and "<select" in str(form["employment"])
    assert _form(employment="retired", education="", hukou="nonlocal_urban").is_valid()


def test_the_form_and_the_import_refuse_with_the_same_words(employers, station_user, settings):  # noqa: F811
    settings.LANGUAGE_CODE = "zh-hans"
    job = do_import(station_user, csv_bytes([member_row(employment="在岗", hukou="北京")]))
    assert job.status == "failed" and Member.objects.count() == 0
    by_column = {e[1]: e[3] for e in errors_of(job)}
    with translation.override("zh-hans"):
        form = _form(employment="在岗", hukou="北京")
        form.is_valid()
        assert by_column["就业状态"] == form.errors["employment"][0]
        assert by_column["户籍类型"] == form.errors["hukou"][0]
    assert "在职 / 灵活就业 / 待岗 / 失业 / 退休" in by_column["就业状态"]


def test_the_import_stores_codes_and_accepts_codes_too(employers, station_user):  # noqa: F811
    job = do_import(station_user, csv_bytes([member_row(employment="灵活就业", education="bachelor",
                                                        hukou="外埠农业")]))
    assert job.status == "done", job.message
    member = Member.objects.get()
    assert (member.employment, member.education, member.hukou) == ("flexible", "bachelor", "nonlocal_rural")


def test_the_api_enumerates_and_refuses_an_unknown_code(client, tree, users):
    make_member(tree["g1"], "钱一", number=id_number(seq=402))
    Member.objects.update(employment="retired", hukou="local_urban")
    _t, key = issue_token(users["station"], "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert len(client.get("/api/members/", {"employment": "retired"}, **auth).json()["items"]) == 1
    assert client.get("/api/members/", {"employment": "employed"}, **auth).json()["items"] == []
    assert client.get("/api/members/", {"employment": "在岗"}, **auth).status_code == 422
    assert client.get("/api/members/", {"hukou": "beijing"}, **auth).status_code == 422
    member = Member.objects.get()
    detail = client.get(f"/api/members/{member.pk}", **auth).json()
    assert (detail["employment"], detail["education"], detail["hukou"]) == ("retired", "", "local_urban")
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert set(schema["Employment"]["enum"]) == set(vocab.Employment.values)


def test_the_migration_maps_free_text_to_codes_and_clears_what_fits_no_code(tree):
    migration = importlib.import_module("unionserve.members.migrations.0006_coded_employment_education_hukou")
    table = migration.TO_CODE
    assert table["employment"]["在岗"] == "employed" and table["education"]["高中/中专"] == "senior_secondary"
    assert "研究生" not in table["education"] and "北京" not in table["hukou"]  # could mean two codes: cleared
    # Every template term maps to the code members.vocab gives it now.
    for field, vocabulary in vocab.FIELDS.items():
        for code, term in vocab.TERMS[vocabulary].items():
            assert table[field][term] == code
            assert migration.TO_TERM[field][code] == term
