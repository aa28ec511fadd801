"""A federation's org tree for a real installation: Beijing's from the divisions file, or any city's from a file.

Both ways give rows of :class:`UnitRow` that :func:`load_units` creates in one transaction, parents first.
Loading is idempotent: a row whose code is already in the tree is left as it is, so the same file (or a file
with a few new stations) can be loaded again. Every row is checked before anything is written; the problems
come back as :class:`RowError` (row, column, value, problem) — the shape of the member import's error report —
and nothing is saved while one is left.

The units template (:func:`write_template`) has one row per unit with its parent on either line by code, so a
city writes both lines in one sheet. ``manage.py setup_federation --units FILE`` loads it for a new federation;
``manage.py import_org_units FILE`` adds units (e.g. a new station) to a running one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from unionserve.core.xlsx import cell_text

from .actions import create_unit
from .models import INDUSTRY_PARENT_KINDS, REGION_PARENT_KINDS, OrgUnit, UnitKind

DIVISIONS_FILE = Path(__file__).parent / "data" / "beijing_divisions.json"
CITY_CODE = "110000"
DEV_AREA_CODE = "110115403"  # 北京经济技术开发区: a level-2 center of its own (seed 000 lists it with the districts)
SPECIAL_ZONE_MIN = 400  # township-level codes ≥ 400 are special zones, not streets or towns

# The city's functional departments (seed 000 §三: 7 executing departments).
DEPARTMENTS = [
    ("D01", "基层工作部"),
    ("D02", "法律工作部"),
    ("D03", "保障工作部"),
    ("D04", "经济技术保护部"),
    ("D05", "宣传教育部"),
    ("D06", "女职工部"),
    ("D07", "职工互助保险服务中心"),
]

# The city's 8 industry unions (design brief, "The organization"); their companies come from the federation.
INDUSTRY_UNIONS = [
    ("IND01", "北京市教育工会"),
    ("IND02", "北京市卫生健康工会"),
    ("IND03", "北京市金融工会"),
    ("IND04", "北京市建设工会"),
    ("IND05", "北京市交通运输工会"),
    ("IND06", "北京市商贸工会"),
    ("IND07", "北京市能源化工工会"),
    ("IND08", "北京市农林水利气象工会"),
]

#: The template's columns, in order: (header, field, required).
COLUMNS: list[tuple[str, str, bool]] = [
    ("编码", "code", True),
    ("名称", "name", True),
    ("类别", "kind", True),
    ("区域上级编码", "region_parent", False),
    ("行业上级编码", "industry_parent", False),
    ("行政区划代码", "division_code", False),
    ("地址", "address", False),
    ("电话", "phone", False),
    ("备注", "note", False),
]

#: The kind column takes the code or the Chinese name a clerk writes.
KIND_NAMES: dict[str, str] = {
    "市职工服务中心": UnitKind.CITY_CENTER,
    "职能部门": UnitKind.DEPARTMENT,
    "区职工服务中心": UnitKind.DISTRICT_CENTER,
    "开发区职工服务中心": UnitKind.DEV_AREA_CENTER,
    "产业工会": UnitKind.INDUSTRY_UNION,
    "公司工会": UnitKind.COMPANY_UNION,
    "工会服务站": UnitKind.STATION,
    "基层工会": UnitKind.GRASSROOTS,
    **{kind.value: kind.value for kind in UnitKind},
}

ERROR_HEADERS = ("行号", "列", "值", "问题")


@dataclass
class UnitRow:
    """One unit to create; parents are given by code (in the same file or already in the tree)."""

    code: str
    name: str
    kind: str
    region_parent: str = ""
    industry_parent: str = ""
    division_code: str = ""
    address: str = ""
    phone: str = ""
    note: str = ""
    row: int = 0  # the line in the file (1 is the header), 0 for rows not read from a file


@dataclass
class RowError:
    """A problem with one cell of the file, as the error report lists it."""

    row: int
    column: str
    value: str
    problem: str

    def as_tuple(self) -> tuple[int, str, str, str]:
        return (self.row, self.column, self.value, self.problem)


class UnitFileError(Exception):
    """The rows have problems; nothing was saved. ``errors`` lists them."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(_("%(count)d problems in the units file; nothing was saved.") % {"count": len(errors)})
        self.errors = errors


@dataclass
class LoadReport:
    """What a load did: the codes created and the codes already there (left unchanged)."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("%(created)d units created, %(existing)d already there (unchanged)") % {
            "created": len(self.created), "existing": len(self.existing)}


# --- Beijing -------------------------------------------------------------------------------------------------


def load_divisions() -> dict:
    """The shipped divisions file (source, license and vintage are inside it)."""
    import json

    with DIVISIONS_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def beijing_units() -> list[UnitRow]:
    """Beijing's tree without any demo unit: the city center, its departments, the 8 industry unions, the 16
    district centers, the Development Area's center and the 349 stations (343 streets and towns, 6 zones)."""
    rows = [UnitRow(CITY_CODE, "北京市职工服务中心", UnitKind.CITY_CENTER, division_code=CITY_CODE)]
    rows += [UnitRow(code, name, UnitKind.DEPARTMENT, region_parent=CITY_CODE) for code, name in DEPARTMENTS]
    rows += [UnitRow(code, name, UnitKind.INDUSTRY_UNION, industry_parent=CITY_CODE) for code, name in INDUSTRY_UNIONS]
    for district in load_divisions()["districts"]:
        rows.append(UnitRow(district["code"], f"{district['name']}职工服务中心", UnitKind.DISTRICT_CENTER,
                            region_parent=CITY_CODE, division_code=district["code"]))
        for street in district["streets"]:
            code, name = street["code"], street["name"]
            if code == DEV_AREA_CODE:
                # The Development Area is a center of its own with one station (会站合一).
                rows.append(UnitRow(code, f"{name}职工服务中心", UnitKind.DEV_AREA_CENTER,
                                    region_parent=CITY_CODE, division_code=code))
                rows.append(UnitRow(f"{code}S", f"{name}工会服务站", UnitKind.STATION, region_parent=code,
                                    division_code=code, note="开发区总工会服务站（会站合一）"))
            else:
                special = int(code[-3:]) >= SPECIAL_ZONE_MIN
                rows.append(UnitRow(code, f"{name}工会服务站", UnitKind.STATION, region_parent=district["code"],
                                    division_code=code, note="园区工会服务站" if special else ""))
    return rows


# --- Files ---------------------------------------------------------------------------------------------------


def _read_table(path: Path) -> list[list[str]]:
    """The first sheet (XLSX, XLS, ODS) or the CSV file, as text cells."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [[cell_text(v) for v in row] for row in csv.reader(fh)]
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]


def read_units(path: str | Path) -> list[UnitRow]:
    """Read the units template. Raises :class:`UnitFileError` when the header is not the template's."""
    table = _read_table(Path(path))
    headers = [h for h, _f, _r in COLUMNS]
    if not table or [c for c in table[0][: len(headers)]] != headers:
        found = ", ".join(table[0]) if table else ""
        raise UnitFileError([RowError(1, "", found, _("The first row must be the template's headers: %(headers)s.")
                                      % {"headers": ", ".join(headers)})])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        cells = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
        if not any(cells):
            continue
        values = {f: v for (_h, f, _r), v in zip(COLUMNS, cells, strict=True)}
        rows.append(UnitRow(row=number, **values))
    return rows


def write_template(path: str | Path) -> Path:
    """The blank units template (XLSX): the header row, columns as text, and a sheet explaining each column."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("单位")
    bold, text = wb.add_format({"bold": True}), wb.add_format({"num_format": "@"})
    for i, (header, _f, _r) in enumerate(COLUMNS):
        ws.write_string(0, i, header, bold)
        ws.set_column(i, i, 20, text)  # text, so codes like 110101001 keep every digit
    notes = wb.add_worksheet("填写说明")
    explanations = [
        ("编码", "必填。单位的唯一编码；有行政区划代码的用区划代码（如 110101001），其他用内部编码。"),
        ("名称", "必填。单位全称，如 东华门街道工会服务站。"),
        ("类别", "必填。" + "、".join(k for k in KIND_NAMES if not k.isascii()) + "。"),
        ("区域上级编码", "区域线上的上级单位编码（本表中或系统中已有）。服务站填所属区中心，基层工会填所在服务站。"),
        ("行业上级编码", "行业线上的上级单位编码。产业工会填市中心，公司工会填产业工会，基层工会可填所属公司工会。"),
        ("行政区划代码", "可选。统计用区划代码。"),
        ("地址", "可选。"),
        ("电话", "可选。"),
        ("备注", "可选。"),
    ]
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 100)
    for i, (header, explanation) in enumerate(explanations):
        notes.write_string(i, 0, header, bold)
        notes.write_string(i, 1, explanation)
    notes.write_string(len(explanations) + 1, 0, "说明")
    notes.write_string(len(explanations) + 1, 1, "市职工服务中心只有一个，两条线上都没有上级；其余单位至少填一个上级。"
                                                "已在系统中的编码会被跳过（不修改），可以补充新单位后再次导入同一文件。")
    wb.close()
    return path


def write_error_report(errors: list[RowError], path: str | Path) -> Path:
    """The problems as an XLSX report with the member import's columns (行号, 列, 值, 问题)."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    ws = wb.add_worksheet("错误报告")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, ERROR_HEADERS, bold)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 2, 22)
    ws.set_column(3, 3, 70)
    for i, error in enumerate(errors, start=1):
        ws.write_number(i, 0, error.row)
        ws.write_string(i, 1, error.column)
        ws.write_string(i, 2, error.value)
        ws.write_string(i, 3, error.problem)
    wb.close()
    return path


# --- Checking and loading ------------------------------------------------------------------------------------


def _header(field_name: str) -> str:
    return next(h for h, f, _r in COLUMNS if f == field_name)


def validate(rows: list[UnitRow]) -> list[RowError]:
    """Every problem of the rows against each other and the tree as it is; an empty list means they load."""
    errors: list[RowError] = []
    existing = {u.code: u.kind for u in OrgUnit.objects.only("code", "kind")}
    has_city = any(kind == UnitKind.CITY_CENTER for kind in existing.values())
    kinds: dict[str, str] = dict(existing)
    seen: dict[str, int] = {}
    for r in rows:
        for header, name, required in COLUMNS:
            if required and not getattr(r, name):
                errors.append(RowError(r.row, header, "", _("This column is required.")))
        if r.kind:
            if r.kind not in KIND_NAMES:
                errors.append(RowError(r.row, _header("kind"), r.kind, _("Unknown kind; use one of: %(kinds)s.")
                                       % {"kinds": "、".join(k for k in KIND_NAMES if not k.isascii())}))
            else:
                r.kind = KIND_NAMES[r.kind]
        for header, name, _required in COLUMNS:
            field = OrgUnit._meta.get_field(name if name not in ("region_parent", "industry_parent") else "code")
            limit = getattr(field, "max_length", None)
            if limit is not None and len(getattr(r, name)) > limit:
                errors.append(RowError(r.row, header, getattr(r, name), _("At most %(limit)d characters.")
                                       % {"limit": limit}))
        if r.code in seen:
            errors.append(RowError(r.row, _header("code"), r.code, _("The code is also on row %(row)d.")
                                   % {"row": seen[r.code]}))
        elif r.code:
            seen[r.code] = r.row
            if r.code not in existing:
                kinds[r.code] = r.kind
    new_rows = [r for r in rows if r.code and r.code not in existing]
    cities = [r for r in new_rows if r.kind == UnitKind.CITY_CENTER]
    if cities and (has_city or len(cities) > 1):
        for r in cities[1 if not has_city else 0:]:
            errors.append(RowError(r.row, _header("kind"), r.kind, _("The tree has one city center only.")))
    if not has_city and not cities and new_rows:
        errors.append(RowError(new_rows[0].row, _header("kind"), "", _("The file must hold the city center.")))
    for r in new_rows:
        if r.kind not in UnitKind.values:
            continue
        if r.kind == UnitKind.CITY_CENTER:
            if r.region_parent or r.industry_parent:
                errors.append(RowError(r.row, _header("region_parent"), r.region_parent or r.industry_parent,
                                       _("The city center has no parent.")))
            continue
        if not r.region_parent and not r.industry_parent:
            errors.append(RowError(r.row, _header("region_parent"), "",
                                   _("Give the parent unit on at least one line.")))
        for name, allowed, line in (("region_parent", REGION_PARENT_KINDS, _("regional")),
                                    ("industry_parent", INDUSTRY_PARENT_KINDS, _("industry"))):
            parent = getattr(r, name)
            if not parent:
                continue
            if parent == r.code:
                errors.append(RowError(r.row, _header(name), parent, _("A unit cannot be its own parent.")))
            elif parent not in kinds:
                errors.append(RowError(r.row, _header(name), parent,
                                       _("No unit has this code, in the file or in the tree.")))
            elif r.kind not in allowed or kinds[parent] not in allowed[UnitKind(r.kind)]:
                errors.append(RowError(r.row, _header(name), parent,
                                       _("A %(kind)s cannot sit under a %(parent)s on the %(line)s line.") % {
                                           "kind": UnitKind(r.kind).label, "parent": UnitKind(kinds[parent]).label,
                                           "line": line}))
    return sorted(errors, key=lambda e: e.row)


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    """The new rows ordered so that each unit's parents come before it (a file may list them in any order)."""
    by_code = {r.code: r for r in rows}
    ordered: list[UnitRow] = []
    done: set[str] = set()

    def visit(r: UnitRow, trail: tuple[str, ...] = ()) -> None:
        if r.code in done:
            return
        if r.code in trail:
            raise UnitFileError([RowError(r.row, _header("region_parent"), r.code,
                                          _("The parents go round in a circle: %(codes)s.")
                                          % {"codes": " → ".join((*trail, r.code))})])
        for parent in (r.region_parent, r.industry_parent):
            if parent in by_code:
                visit(by_code[parent], (*trail, r.code))
        done.add(r.code)
        ordered.append(r)

    for r in rows:
        visit(r)
    return ordered


@transaction.atomic
def load_units(rows: list[UnitRow], *, acting_user=None) -> LoadReport:
    """Check every row, then create the units not in the tree yet, parents first. Raises UnitFileError."""
    errors = validate(rows)
    if errors:
        raise UnitFileError(errors)
    existing = set(OrgUnit.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True))
    report = LoadReport(existing=[r.code for r in rows if r.code in existing])
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p for r in rows
                                                                  for p in (r.region_parent, r.industry_parent) if p})}
    for r in _parents_first([r for r in rows if r.code not in existing]):
        units[r.code] = create_unit(
            name=r.name, kind=r.kind, code=r.code, division_code=r.division_code,
            region_parent=units.get(r.region_parent) if r.region_parent else None,
            industry_parent=units.get(r.industry_parent) if r.industry_parent else None,
            address=r.address, phone=r.phone, note=r.note, acting_user=acting_user,
        )
        report.created.append(r.code)
    return report


def city_center() -> OrgUnit | None:
    """The root of the tree, where the first administrator sits."""
    return OrgUnit.objects.filter(kind=UnitKind.CITY_CENTER).order_by("pk").first()
