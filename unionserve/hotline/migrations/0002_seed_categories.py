"""Seed the request category tree (seed 000 §一(一)1, seed 004): top-level kinds of 12351 requests."""

from django.db import migrations

# (code, name, sort order, children) — names are stored in Chinese, as the office types them.
TREE = [
    ("ZCZX", "政策咨询", 10, [("ZCZX01", "工会政策"), ("ZCZX02", "社保政策"), ("ZCZX03", "劳动政策")]),
    ("LDGX", "劳动关系", 20, [("LDGX01", "劳动合同"), ("LDGX02", "工资报酬"), ("LDGX03", "工时休假"),
                           ("LDGX04", "社会保险")]),
    ("FLYZ", "法律援助", 30, [("FLYZ01", "法律咨询"), ("FLYZ02", "代理诉讼仲裁")]),
    ("HZBZ", "互助保障", 40, [("HZBZ01", "参保"), ("HZBZ02", "理赔")]),
    ("KNBF", "困难帮扶", 50, [("KNBF01", "困难职工建档"), ("KNBF02", "送温暖"), ("KNBF03", "金秋助学")]),
    ("HYK", "会员卡", 60, [("HYK01", "办卡与补卡"), ("HYK02", "会员卡权益")]),
    ("JYPX", "就业培训", 70, [("JYPX01", "职业介绍"), ("JYPX02", "技能培训")]),
    ("SHFW", "生活服务", 80, [("SHFW01", "职工疗休养"), ("SHFW02", "婚恋交友")]),
    ("TS", "投诉", 90, []),
    ("JY", "建议", 100, []),
    ("QT", "其他", 110, []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("hotline", "Category")
    for code, name, order, children in TREE:
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
        for i, (child_code, child_name) in enumerate(children, start=1):
            Category.objects.get_or_create(code=child_code,
                                           defaults={"name": child_name, "sort_order": i, "parent": parent})


def unseed(apps, schema_editor):
    Category = apps.get_model("hotline", "Category")
    codes = [c for c, *_ in TREE] + [cc for *_, ch in TREE for cc, _ in ch]
    Category.objects.filter(parent__isnull=False, code__in=codes).delete()
    Category.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):

    dependencies = [("hotline", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
