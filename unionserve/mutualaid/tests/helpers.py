"""Writing expense files for the tests."""

from __future__ import annotations

import csv
import io

from unionserve import pii

HEADER = ["身份证号", "姓名", "医院", "就诊类型", "就诊开始日期", "就诊结束日期", "自付一金额"]


def id_of(member) -> str:
    return pii.decrypt_unchecked(member.id_encrypted)


def expense_csv(tmp_path, lines, name="q.csv") -> str:
    """lines: (member or raw ID, kind 门诊/住院, first day, last day, amount[, hospital]) → the file's path."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for line in lines:
        who, kind, start, end, amount = line[:5]
        hospital = line[5] if len(line) > 5 else "北京协和医院"
        number = who if isinstance(who, str) else id_of(who)
        name_ = "" if isinstance(who, str) else who.name
        writer.writerow([number, name_, hospital, kind, start, end, amount])
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)
