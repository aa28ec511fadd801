"""One vocabulary of dispute types for mediation and legal aid, held by both tables and mapped from legal aid's."""

import importlib

import pytest
from django.core.exceptions import ValidationError

from unionserve.core.vocab import DisputeType
from unionserve.legalaid.models import LegalAidCase
from unionserve.mediation.models import MediationCase


def test_both_areas_use_the_one_vocabulary():
    for model in (MediationCase, LegalAidCase):
        field = model._meta.get_field("dispute_type")
        assert [c for c, _label in field.choices] == DisputeType.values
        assert max(map(len, DisputeType.values)) <= field.max_length


@pytest.mark.django_db
@pytest.mark.parametrize("model", [MediationCase, LegalAidCase])
def test_the_constraint_refuses_a_code_outside_it(model):
    (constraint,) = (c for c in model._meta.constraints if c.name.endswith("dispute_type_coded"))
    with pytest.raises(ValidationError):
        constraint.validate(model, model(dispute_type="insurance"))
    constraint.validate(model, model(dispute_type=DisputeType.SOCIAL_INSURANCE))


def test_legal_aids_old_codes_map_to_the_shared_ones():
    migration = importlib.import_module("unionserve.legalaid.migrations.0003_shared_dispute_types")
    assert migration.OLD_TO_NEW == {"insurance": DisputeType.SOCIAL_INSURANCE, "overtime": DisputeType.HOURS}
    assert set(migration.OLD_TO_NEW.values()) <= set(DisputeType.values)
