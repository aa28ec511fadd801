"""A small process used by the engine's tests; it touches every operation the engine offers."""

from unionserve.core.roles import Role
from unionserve.workflow.definitions import (
    DISPATCH,
    TO_SAME,
    Deadline,
    Field,
    Opening,
    ProcessDefinition,
    Reopen,
    State,
    Transition,
)

CITY = frozenset({Role.CITY_OFFICE, Role.HOTLINE_AGENT})
HANDLERS = frozenset({Role.SOCIAL_WORKER, Role.CENTER_STAFF})


def refuse_empty_answer(case, data):
    return "答复不能只写“已办”。" if data.get("result", "").strip() == "已办" else None


EXAMPLE = ProcessDefinition(
    code="example",
    label="示例流程",
    prefix="EX",
    opening=Opening(CITY, frozenset({1})),
    initial="intake",
    states=(
        State("intake", "受理", Deadline.same_day("当天")),
        State("handling", "办理", Deadline.working_days(7, "7个工作日内回单")),
        State("waiting", "等待补充材料", paused=True),
        State("callback", "回访", Deadline.days(3)),
        State("closed", "办结", final=True),
    ),
    transitions=(
        Transition("dispatch", "派单", ("intake",), "handling", CITY, frozenset({1}), kind=DISPATCH,
                   target_levels=frozenset({2, 3}), filing=True),
        Transition("wait", "等待材料", ("handling",), "waiting", HANDLERS, frozenset({2, 3}), next_unit=TO_SAME),
        Transition("resume", "材料已到", ("waiting",), "handling", HANDLERS, frozenset({2, 3}), next_unit=TO_SAME),
        Transition("feedback", "回单", ("handling",), "callback", HANDLERS, frozenset({2, 3}),
                   fields=(Field("result", "办理结果", "textarea"),), guard=refuse_empty_answer),
        Transition("close", "回访办结", ("callback",), "closed", CITY, frozenset({1}),
                   fields=(Field("satisfaction", "满意度", "choice",
                                 choices=(("satisfied", "满意"), ("unsatisfied", "不满意"))),)),
    ),
    returnable=frozenset({"handling"}),
    extendable=frozenset({"handling"}),
    escalatable=frozenset({"handling"}),
    sign_required=frozenset({"handling"}),
    reopen=Reopen(("closed",), "callback", CITY, frozenset({1})),
    on_overdue="escalate",
)
