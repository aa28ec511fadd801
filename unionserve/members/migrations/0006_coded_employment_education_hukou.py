"""Employment, education and household registration become codes (members.vocab), guarded by CHECK constraints.

Stored free text is mapped to codes: the import template's terms, and the other spellings that mean one code
for certain (the demo's 在岗, 高中/中专). A value that fits no code, or could mean two (研究生: master's or
doctorate; 北京 / 外埠: urban or agricultural registration unknown), becomes "" — "not known", as an empty cell
of the template means — rather than a guess; the unit corrects it on the member's page or by the next import.
The mapping is copied here (not imported from members.vocab) so that this migration does what it did when written.
"""

from django.db import migrations, models

#: Stored value → code, per field (members.vocab's template terms and certain aliases, when written).
TO_CODE = {
    "employment": {
        "在职": "employed", "在岗": "employed", "在职职工": "employed", "灵活就业": "flexible", "待岗": "awaiting",
        "下岗": "awaiting", "失业": "unemployed", "退休": "retired",
    },
    "education": {
        "初中及以下": "junior_or_below", "初中": "junior_or_below", "小学": "junior_or_below",
        "高中、中专、技校": "senior_secondary", "高中/中专": "senior_secondary", "高中": "senior_secondary",
        "中专": "senior_secondary", "技校": "senior_secondary", "大专": "college", "本科": "bachelor",
        "大学本科": "bachelor", "硕士研究生": "master", "硕士": "master", "博士研究生": "doctorate", "博士": "doctorate",
    },
    "hukou": {"本市城镇": "local_urban", "本市农业": "local_rural", "外埠城镇": "nonlocal_urban", "外埠农业": "nonlocal_rural"},
}
#: Code → template term, to go back.
TO_TERM = {
    "employment": {"employed": "在职", "flexible": "灵活就业", "awaiting": "待岗", "unemployed": "失业", "retired": "退休"},
    "education": {"junior_or_below": "初中及以下", "senior_secondary": "高中、中专、技校", "college": "大专",
                  "bachelor": "本科", "master": "硕士研究生", "doctorate": "博士研究生"},
    "hukou": {"local_urban": "本市城镇", "local_rural": "本市农业", "nonlocal_urban": "外埠城镇", "nonlocal_rural": "外埠农业"},
}


def _recode(apps, mapping: dict[str, dict[str, str]], *, keep: bool) -> None:
    # One UPDATE per distinct stored value (a handful per field), not one per member.
    Member = apps.get_model("members", "Member")
    for field, table in mapping.items():
        values = set(Member.objects.exclude(**{field: ""}).values_list(field, flat=True).distinct())
        for value in values:
            new = table.get(value.strip(), value if keep else "")
            if new != value:
                Member.objects.filter(**{field: value}).update(**{field: new})


def to_codes(apps, schema_editor):
    codes = {field: {**table, **{c: c for c in table.values()}} for field, table in TO_CODE.items()}
    _recode(apps, codes, keep=False)


def to_terms(apps, schema_editor):
    _recode(apps, TO_TERM, keep=True)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0005_member_indexes_for_import'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='member',
            name='education',
            field=models.CharField(blank=True, choices=[('junior_or_below', 'Junior secondary or below'), ('senior_secondary', 'Senior secondary, vocational or technical school'), ('college', 'Junior college'), ('bachelor', "Bachelor's degree"), ('master', "Master's degree"), ('doctorate', 'Doctorate')], max_length=20, verbose_name='education'),
        ),
        migrations.AlterField(
            model_name='member',
            name='employment',
            field=models.CharField(blank=True, choices=[('employed', 'Employed'), ('flexible', 'Flexibly employed'), ('awaiting', 'Awaiting a post'), ('unemployed', 'Unemployed'), ('retired', 'Retired')], max_length=20, verbose_name='employment status'),
        ),
        migrations.AlterField(
            model_name='member',
            name='hukou',
            field=models.CharField(blank=True, choices=[('local_urban', 'Beijing, urban'), ('local_rural', 'Beijing, agricultural'), ('nonlocal_urban', 'Outside Beijing, urban'), ('nonlocal_rural', 'Outside Beijing, agricultural')], max_length=20, verbose_name='household registration'),
        ),
        migrations.RunPython(to_codes, to_terms, elidable=False),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('employment__in', ['', 'employed', 'flexible', 'awaiting', 'unemployed', 'retired'])), name='member_employment_coded'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('education__in', ['', 'junior_or_below', 'senior_secondary', 'college', 'bachelor', 'master', 'doctorate'])), name='member_education_coded'),
        ),
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('hukou__in', ['', 'local_urban', 'local_rural', 'nonlocal_urban', 'nonlocal_rural'])), name='member_hukou_coded'),
        ),
    ]
