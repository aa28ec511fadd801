"""``nomination_list``: a seasonal program's city-wide nomination list drawn from the register (issue 19 item 5).

Target: ≤ 10 s at 4M members. The register is loaded once by ``bench.datagen.members_db.ensure_members`` (1.5% of
members carry the hardship flag, as ``members.csv`` does). The case times
``assistance.actions.draw_nominations(program, acting_user=bench_city)`` — what the program page's "draw the list"
button and ``POST /api/assistance/programs/{id}/draw`` call — for the two-festivals program (两节送温暖: the register's
hardship flag or an approved hardship file in force), i.e. one ``INSERT … SELECT`` joining members to their
grassroots union and its district. The list is emptied before every timed call (untimed). Params: members,
nominations drawn.
"""

from __future__ import annotations

from bench.harness.registry import Benchmark, Case, Context, Skip, register

TARGET_MS = 10_000.0


@register
class NominationList(Benchmark):
    name = "nomination_list"
    description = "A seasonal program's city-wide nomination list from the register, one INSERT … SELECT (≤ 10 s)."
    needs_members_csv = True

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.assistance import actions
            from unionserve.assistance.models import Nomination, Program
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"assistance does not import: {exc!r}") from exc
        from decimal import Decimal

        from bench.datagen.members_db import ensure_members
        from unionserve.accounts.models import User

        loaded = ensure_members(ctx.scale, log=ctx.log)
        city = User.objects.get(username="bench_city")
        Program.objects.filter(kind="spring", year=2000).delete()
        program = Program.objects.create(kind="spring", year=2000, title="bench 两节送温暖", amount=Decimal("500"),
                                         sms_text="bench")
        drawn: dict[str, int] = {}

        def empty() -> None:
            Nomination.objects.filter(program=program).delete()

        def draw() -> int:
            drawn["n"] = actions.draw_nominations(program, acting_user=city)
            return drawn["n"]

        empty()
        first = draw()
        params = {"members": ctx.scale.members, "loader": loaded, "nominations": first}
        return [Case("spring_city", run=draw, before_each=empty, target_ms=TARGET_MS, params=params,
                     repeat=min(ctx.repeat, 5), warmup=min(ctx.warmup, 1))]
