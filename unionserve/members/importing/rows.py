"""Validating rows of the templates, fast: a chunk of raw rows in, stage rows and errors out.

This module runs in worker processes too (``runner`` fans chunks out to them), so a context object carries
everything a row needs from the database — the importer's scope already applied — and is pickled once per
worker. Messages come from ``gettext`` in the site language (the report is for the clerk, in Chinese), and
every rule that ``unionserve.pii`` (ID numbers, mobiles) and ``members.validators`` (cards) state is applied
through them: the fast paths below (ID numbers, card
numbers, dates) only *accept* what the validator would accept, and on any doubt call the validator itself for
the verdict and its message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.core.validators import validate_uscc
from unionserve.members import validators
from unionserve.members.template import MEMBER_COLUMNS, UNIT_COLUMNS

EMPLOYMENT = frozenset({"在职", "灵活就业", "待岗", "失业", "退休"})
EDUCATION = frozenset({"初中及以下", "高中、中专、技校", "大专", "本科", "硕士研究生", "博士研究生"})
HUKOU = frozenset({"本市城镇", "本市农业", "外埠城镇", "外埠农业"})
YES_NO = {"是": True, "否": False, "": False}
GENDERS = {"男": "M", "女": "F"}

#: Columns of a validated member row, in the order of the staging table (writer.STAGE_COLUMNS).
STAGE_FIELDS = (
    "row_no", "name", "initials", "id_hash", "id_encrypted", "id_masked", "birth_date", "gender", "phone_hash",
    "phone_encrypted", "phone_masked", "employer_id", "grassroots_id", "joined_on", "employment", "education",
    "skill_certificate", "honour", "hardship", "single_mother", "card_number", "ethnicity", "hukou",
)

Error = tuple[int, str, str, str]  # row number, column header, value, message
Rejected = tuple[int, list[str], str]  # row number, the row in template order, the messages


@dataclass
class ChunkResult:
    """What validating one chunk gave: rows for the stage (STAGE_FIELDS order), the errors, and the rejected
    rows in template order. A worker that stages its valid rows itself sends back only their number
    (``staged``, with ``valid`` emptied) and, when it read the rows itself, how many it read (``rows``)."""

    valid: list[tuple] = field(default_factory=list)
    errors: list[Error] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0
    staged: int = 0
    #: stations whose joint union a valid row needs (its stage grassroots id is ``-station id``)
    stations: set[int] = field(default_factory=set)
    #: where a worker staged this chunk's valid rows: (its process id, first and last row number), or None
    run: tuple[int, int, int] | None = None


# ---------------------------------------------------------------------------------------------------------
# Fast checks that agree with pii.parse_id_number and members.validators (tested against them)

_ID_WEIGHTS = pii.identifiers.ID_WEIGHTS
_ID_CHECK = pii.identifiers.ID_CHECK
_DIGITS = frozenset("0123456789")
# Luhn: the value of a digit (as a byte) when doubled, and when not.
_LUHN_DOUBLE = bytes((((b - 48) * 2 - 9 if b - 48 > 4 else (b - 48) * 2) if 48 <= b <= 57 else 0) for b in range(256))
_LUHN_PLAIN = bytes(((b - 48) if 48 <= b <= 57 else 0) for b in range(256))


def _weighted(digits: str, weights: Sequence[int]) -> int:
    return sum(int(c) * w for c, w in zip(digits, weights, strict=True))


def luhn_ok(number: str) -> bool:
    """Luhn check of an ASCII digit string (the same answer as stdnum.luhn.is_valid)."""
    raw = number.encode()
    # translate() maps every byte through the table in C, and sum() of bytes adds them in C.
    return (sum(raw[-1::-2].translate(_LUHN_PLAIN)) + sum(raw[-2::-2].translate(_LUHN_DOUBLE))) % 10 == 0


class _Fast:
    """Per-process caches: area and date parts of ID numbers, dates, pinyin initials."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.area_sum = {code: _weighted(code, _ID_WEIGHTS[:6]) for code in pii.area_codes()}
        self.seq_sum = {f"{s:03d}": _weighted(f"{s:03d}", _ID_WEIGHTS[14:17]) for s in range(1000)}
        self.id_dates: dict[str, tuple[int, str] | None] = {}
        self.dates: dict[str, str | None] = {}
        self.initials: dict[str, str] = {}
        self.char_initials: dict[str, str] = {}
        from pypinyin.constants import PHRASES_DICT

        self.phrases = PHRASES_DICT

    def id_number(self, value: str) -> tuple[str, str, str]:
        """(number, birth date ISO, "M"/"F") of a valid ID number, or InvalidValue from the validator."""
        n = value.upper()
        if len(n) == 18 and n[17] in "0123456789X" and _DIGITS.issuperset(n[:17]):
            area = self.area_sum.get(n[:6])
            birth = self.id_dates.get(n[6:14], False)
            if birth is False:
                birth = self._id_date(n[6:14])
            if (area is not None and birth is not None
                    and _ID_CHECK[(area + birth[0] + self.seq_sum[n[14:17]]) % 11] == n[17]):
                return n, birth[1], "M" if int(n[16]) % 2 else "F"
        info = pii.parse_id_number(n, self.today)  # raises InvalidValue with the reason
        return info.number, info.birth_date.isoformat(), info.gender

    def _id_date(self, ymd: str) -> tuple[int, str] | None:
        try:
            d = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
        except ValueError:
            d = None
        out = None if d is None or d > self.today or d.year < 1900 else (_weighted(ymd, _ID_WEIGHTS[6:14]),
                                                                        d.isoformat())
        self.id_dates[ymd] = out
        return out

    def date(self, value: str) -> str | None:
        """ISO text of a YYYY-MM-DD date (Excel date cells arrive as such), or None."""
        try:
            return self.dates[value]
        except KeyError:
            pass
        out = None
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                out = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                out = None
        if len(self.dates) < 200_000:
            self.dates[value] = out
        return out

    def initials_of(self, name: str) -> str:
        """Pinyin initials, as members.search.initials_of gives them, per name and per character cached.

        Without a multi-character word of pypinyin's phrase table inside the name, pypinyin reads each
        character alone, so per-character initials are the same answer; otherwise ask pypinyin.
        """
        cached = self.initials.get(name)
        if cached is not None:
            return cached
        phrases = self.phrases
        n = len(name)
        if any(name[i:j] in phrases for i in range(n) for j in range(i + 2, n + 1)):
            out = _initials(name)
        else:
            parts = []
            for ch in name:
                ini = self.char_initials.get(ch)
                if ini is None:
                    ini = self.char_initials[ch] = _initials(ch)
                parts.append(ini)
            out = "".join(parts)[:20]
        if len(self.initials) < 500_000:
            self.initials[name] = out
        return out


def _initials(text: str) -> str:
    from unionserve.members.search import initials_of

    return initials_of(text)


# ---------------------------------------------------------------------------------------------------------
# Members

@dataclass
class MemberContext:
    """What validating member rows needs from the database, with the importer's scope applied.

    ``employers``: USCC → (employer id, station id, grassroots id or 0, in scope).
    ``units``: org-unit code → (id, kind, active, in scope).
    A member of an employer without a union goes to its station's joint union: its grassroots id in the
    stage is ``-station id`` until the writer resolves it (creating the joint union on first need).
    """

    today: str
    positions: list[int]
    width: int
    employers: dict[str, tuple[int, int, int, bool]]
    units: dict[str, tuple[int, str, bool, bool]]
    language: str = ""

    def __post_init__(self) -> None:
        self._ready = False

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for key in ("_fast", "_sealer", "_msg"):
            state.pop(key, None)
        state["_ready"] = False
        return state

    def prepare(self) -> None:
        """Build the caches and the messages (in the site language) once per process."""
        if self._ready:
            return
        self._fast = _Fast(dt.date.fromisoformat(self.today))
        # Keys stay in pii: each process makes its own bulk sealer (it is never pickled).
        self._sealer = pii.BulkSealer()
        with translation.override(self.language or settings.LANGUAGE_CODE):
            self._msg = {
                "required": _("Required; this cell is empty."),
                "too_long": _("Too long: at most %(max)d characters."),
                "gender": _("Write 男 or 女."),
                "gender_id": _("The gender does not agree with the ID number (its 17th character)."),
                "date": _("Write the date as YYYY-MM-DD, e.g. 2020-05-01."),
                "birth_id": _("The date of birth does not agree with the ID number (characters 7–14)."),
                "future": _("The date is in the future."),
                "before_birth": _("The date of joining the union is before the date of birth."),
                "no_employer": _("No employer with this Unified Social Credit Code is registered; "
                                 "import it with the units template first."),
                "employer_scope": _("This employer belongs to a unit outside your scope."),
                "no_unit": _("No org unit has this code."),
                "not_grassroots": _("This code is not a grassroots union."),
                "unit_closed": _("This grassroots union is closed."),
                "unit_scope": _("This grassroots union is outside your scope."),
                "yes_no": _("Write 是 or 否."),
                "choice": _("Not one of the allowed values: %(values)s."),
                "extra": _("There is text to the right of the last column."),
            }
        self._ready = True

    def validate(self, rows: list[tuple[int, list[str]]]) -> ChunkResult:
        """Validate a chunk of raw rows (see module doc)."""
        self.prepare()
        with translation.override(self.language or settings.LANGUAGE_CODE):
            return self._validate(rows)

    def _validate(self, rows: list[tuple[int, list[str]]]) -> ChunkResult:  # noqa: C901 - one pass, flat rules
        out = ChunkResult()
        fast, seal, msg = self._fast, self._sealer, self._msg
        employers, units = self.employers, self.units
        (p_name, p_id, p_gender, p_birth, p_mobile, p_uscc, p_uname, p_code, p_joined, p_emp, p_edu, p_skill,
         p_honour, p_hardship, p_single, p_card, p_eth, p_hukou) = self.positions
        width = self.width
        h = [c.header for c in MEMBER_COLUMNS]
        today = self.today
        InvalidValue = pii.InvalidValue  # noqa: N806
        for row_no, raw in rows:
            errors: list[tuple[str, str, str]] = []
            add = errors.append
            name = raw[p_name]
            if not name:
                add((h[0], "", msg["required"]))
            elif len(name) > 60:
                add((h[0], name, msg["too_long"] % {"max": 60}))
            id_raw = raw[p_id]
            number = birth = gender = ""
            if not id_raw:
                add((h[1], "", msg["required"]))
            else:
                try:
                    number, birth, gender = fast.id_number(id_raw)
                except InvalidValue as exc:
                    add((h[1], id_raw, str(exc)))
            g = raw[p_gender]
            g_code = GENDERS.get(g)
            if not g:
                add((h[2], "", msg["required"]))
            elif g_code is None:
                add((h[2], g, msg["gender"]))
            elif gender and g_code != gender:
                add((h[2], g, msg["gender_id"]))
            b = raw[p_birth]
            if not b:
                add((h[3], "", msg["required"]))
            else:
                b_iso = fast.date(b)
                if b_iso is None:
                    add((h[3], b, msg["date"]))
                elif birth and b_iso != birth:
                    add((h[3], b, msg["birth_id"]))
            mobile_raw = raw[p_mobile]
            mobile = ""
            if not mobile_raw:
                add((h[4], "", msg["required"]))
            elif (len(mobile_raw) == 11 and mobile_raw[0] == "1" and mobile_raw[1] in "3456789"
                  and _DIGITS.issuperset(mobile_raw)):
                mobile = mobile_raw  # what validate_mobile accepts as it is
            else:
                try:
                    mobile = pii.validate_mobile(mobile_raw)
                except InvalidValue as exc:
                    add((h[4], mobile_raw, str(exc)))
            uscc = raw[p_uscc].upper()
            employer = None
            if not uscc:
                add((h[5], "", msg["required"]))
            else:
                employer = employers.get(uscc)
                if employer is None:
                    try:
                        validate_uscc(uscc)
                        add((h[5], uscc, msg["no_employer"]))
                    except InvalidValue as exc:
                        add((h[5], uscc, str(exc)))
                elif not employer[3]:
                    add((h[5], uscc, msg["employer_scope"]))
                    employer = None
            if not raw[p_uname]:
                add((h[6], "", msg["required"]))
            code = raw[p_code]
            grassroots_id = 0
            if code:
                unit = units.get(code)
                if unit is None:
                    add((h[7], code, msg["no_unit"]))
                elif unit[1] != "grassroots":
                    add((h[7], code, msg["not_grassroots"]))
                elif not unit[3]:
                    add((h[7], code, msg["unit_scope"]))
                elif not unit[2]:
                    add((h[7], code, msg["unit_closed"]))
                else:
                    grassroots_id = unit[0]
            elif employer is not None:
                # The employer's own union, or the station's joint union (resolved by the writer).
                grassroots_id = employer[2] or -employer[1]
            joined_raw = raw[p_joined]
            joined = None
            if not joined_raw:
                add((h[8], "", msg["required"]))
            else:
                joined = fast.date(joined_raw)
                if joined is None:
                    add((h[8], joined_raw, msg["date"]))
                elif joined > today:
                    add((h[8], joined_raw, msg["future"]))
                elif birth and joined < birth:
                    add((h[8], joined_raw, msg["before_birth"]))
            employment, education, hukou = raw[p_emp], raw[p_edu], raw[p_hukou]
            if employment and employment not in EMPLOYMENT:
                add((h[9], employment, msg["choice"] % {"values": " / ".join(sorted(EMPLOYMENT))}))
            if education and education not in EDUCATION:
                add((h[10], education, msg["choice"] % {"values": " / ".join(sorted(EDUCATION))}))
            skill, honour = raw[p_skill], raw[p_honour]
            if len(skill) > 40:
                add((h[11], skill, msg["too_long"] % {"max": 40}))
            if len(honour) > 40:
                add((h[12], honour, msg["too_long"] % {"max": 40}))
            hardship = YES_NO.get(raw[p_hardship])
            if hardship is None:
                add((h[13], raw[p_hardship], msg["yes_no"]))
            single = YES_NO.get(raw[p_single])
            if single is None:
                add((h[14], raw[p_single], msg["yes_no"]))
            card = raw[p_card]
            if card and not (len(card) == 19 and _DIGITS.issuperset(card) and luhn_ok(card)):
                try:
                    card = validators.validate_card(card)
                except InvalidValue as exc:
                    add((h[15], card, str(exc)))
            ethnicity = raw[p_eth]
            if len(ethnicity) > 20:
                add((h[16], ethnicity, msg["too_long"] % {"max": 20}))
            if hukou and hukou not in HUKOU:
                add((h[17], hukou, msg["choice"] % {"values": " / ".join(sorted(HUKOU))}))
            if len(raw) > width and any(raw[width:]):
                add(("", " ".join(c for c in raw[width:] if c)[:100], msg["extra"]))
            if errors:
                out.errors.extend((row_no, col, value, text) for col, value, text in errors)
                out.rejected.append((row_no, [raw[p] for p in self.positions], "；".join(e[2] for e in errors)))
                continue
            if grassroots_id < 0:
                out.stations.add(-grassroots_id)
            out.valid.append((
                row_no, name, fast.initials_of(name), seal.hash(number), seal.encrypt(number), pii.mask_id(number),
                birth, gender, seal.hash(mobile), seal.encrypt(mobile), pii.mask_phone(mobile),
                employer[0], grassroots_id, joined, employment, education, skill, honour, hardship, single, card,
                ethnicity, hukou,
            ))
        return out


# ---------------------------------------------------------------------------------------------------------
# Units (employers)

@dataclass
class UnitContext:
    """What validating unit rows needs: org units by code (id, kind, active, region path, industry path)
    and employers already registered by USCC (id, station region path, industry path), plus the scope."""

    positions: list[int]
    width: int
    units: dict[str, tuple[int, str, bool, str | None, str | None]]
    existing: dict[str, tuple[int, str | None, str | None]]
    scope: object

    def validate(self, rows: list[tuple[int, list[str]]]) -> ChunkResult:  # noqa: C901
        out = ChunkResult()
        h = [c.header for c in UNIT_COLUMNS]
        scope = self.scope
        for row_no, raw in rows:
            errors: list[tuple[str, str, str]] = []
            add = errors.append
            name, uscc_raw, station_code, industry_code, has_union_raw, g_code, members_raw, contact, phone = (
                raw[p] for p in self.positions)
            if not name:
                add((h[0], "", _("Required; this cell is empty.")))
            elif len(name) > 200:
                add((h[0], name, _("Too long: at most %(max)d characters.") % {"max": 200}))
            uscc = ""
            if not uscc_raw:
                add((h[1], "", _("Required; this cell is empty.")))
            else:
                try:
                    uscc = validate_uscc(uscc_raw)
                except pii.InvalidValue as exc:
                    add((h[1], uscc_raw, str(exc)))
            station = self._unit(station_code, {"station"}, h[2], add, required=True)
            industry = self._unit(industry_code, {"company", "industry"}, h[3], add, required=False)
            has_union = YES_NO.get(has_union_raw) if has_union_raw else None
            if has_union is None:
                add((h[4], has_union_raw,
                     _("Write 是 or 否.") if has_union_raw else _("Required; this cell is empty.")))
            grassroots = self._unit(g_code, {"grassroots"}, h[5], add, required=False)
            if has_union and not g_code:
                add((h[5], "", _("An employer with a union needs the code of its grassroots union.")))
            if has_union is False and g_code:
                add((h[5], g_code, _("An employer without a union has no grassroots union code.")))
            if (station is not None or industry is not None) and not scope.contains_paths(
                    station[3] if station else None, industry[4] if industry else None):
                add((h[2], station_code, _("This station is outside your scope.")))
            if grassroots is not None and not scope.contains_paths(grassroots[3], grassroots[4]):
                add((h[5], g_code, _("This grassroots union is outside your scope.")))
            known = self.existing.get(uscc)
            if known is not None and not scope.contains_paths(known[1], known[2]):
                add((h[1], uscc, _("This employer is registered under a unit outside your scope.")))
            members = 0
            if not members_raw:
                add((h[6], "", _("Required; this cell is empty.")))
            elif not members_raw.isdigit():
                add((h[6], members_raw, _("Write a whole number of 0 or more.")))
            else:
                members = int(members_raw)
            if len(contact) > 60:
                add((h[7], contact, _("Too long: at most %(max)d characters.") % {"max": 60}))
            if phone and (len(phone) > 20 or not _DIGITS.issuperset(phone.replace("-", "").replace(" ", ""))):
                add((h[8], phone, _("Write a mobile number or a landline such as 010-12345678.")))
            if len(raw) > self.width and any(raw[self.width:]):
                add(("", " ".join(c for c in raw[self.width:] if c)[:100],
                     _("There is text to the right of the last column.")))
            if errors:
                out.errors.extend((row_no, col, value, text) for col, value, text in errors)
                out.rejected.append((row_no, [raw[p] for p in self.positions], "；".join(e[2] for e in errors)))
                continue
            out.valid.append((row_no, {
                "name": name, "uscc": uscc, "station_id": station[0], "industry_union_id": industry[0] if industry
                else None, "has_union": bool(has_union), "grassroots_id": grassroots[0] if grassroots else None,
                "reported_members": members, "contact_name": contact, "contact_phone": phone,
            }, uscc))
        return out

    def _unit(self, code: str, kinds: set[str], header: str, add, *, required: bool):
        if not code:
            if required:
                add((header, "", _("Required; this cell is empty.")))
            return None
        unit = self.units.get(code)
        if unit is None:
            add((header, code, _("No org unit has this code.")))
            return None
        if unit[1] not in kinds:
            add((header, code, _("This code names a unit of another kind.")))
            return None
        if not unit[2]:
            add((header, code, _("This unit is closed.")))
            return None
        return unit
