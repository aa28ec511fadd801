"""The two processes of the 12351 platform (seed 000 §四.1, seed 004), on the workflow engine.

Consultation (咨询件, "ZX"): the agent (or window clerk) answers and closes, and the answer is archived with the
request. A question the agent cannot answer is referred to a specialist functional department (level 1), which
answers; the answer comes back to the agent, who calls the caller back and closes.

Affair (事务件, "SW"): dispatched to a functional department or a level-2/3 unit with filing copies (备案) to the
member's district and industry unions; the handler verifies, handles and feeds back (回单) within 7 working days;
the platform calls back (回访), records satisfaction, and either closes and archives or — the caller being
unsatisfied and wanting it — sends it back to handling (不满意重办).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import Role
from unionserve.workflow.definitions import (
    DISPATCH,
    Deadline,
    Field,
    Opening,
    ProcessDefinition,
    Reopen,
    State,
    Transition,
)
from unionserve.workflow.registry import register

from . import effects, policies
from .models import Satisfaction

CONSULTATION = "consultation"
AFFAIR = "affair"
PROCESSES = (CONSULTATION, AFFAIR)

#: The 12351 platform at level 1: agents and the city office.
AGENTS = frozenset({Role.HOTLINE_AGENT, Role.CITY_OFFICE})
#: Service windows at levels 2 and 3 (district centers, station social workers) take requests too, and so does
#: a worker home: seed 000 §一(三)2 gives grassroots unions 接待来访.
WINDOWS = frozenset({Role.CENTER_STAFF, Role.SOCIAL_WORKER, Role.GRASSROOTS_OFFICER})
INTAKE = AGENTS | WINDOWS
#: Who answers a referred consultation: the functional department (and the city office standing in).
SPECIALISTS = frozenset({Role.DEPARTMENT_STAFF, Role.CITY_OFFICE})
#: Who handles a dispatched affair: functional departments, district/industry centers, stations, and worker homes
#: (grassroots unions), to which seed 000 §一(三)2 gives the handling of dispatched requests.
HANDLERS = frozenset({Role.DEPARTMENT_STAFF, Role.CITY_OFFICE, Role.CENTER_STAFF, Role.SOCIAL_WORKER,
                      Role.GRASSROOTS_OFFICER})
ALL_LEVELS = frozenset({1, 2, 3})
LEVEL_1 = frozenset({1})

# The deadlines' lengths are policy parameters (policies.py, with their seed paragraphs): the handler's
# feedback limit of seed 000 §四.1(2), and the platform's choices where the seeds give no number.

SATISFACTION_CHOICES = tuple((str(v), str(label)) for v, label in Satisfaction.choices)
# The callback's three inputs, explained where the agent fills them in (seed 000 §四.1(3) 回访).
CALLBACK_NOTE = Field("callback_note", _("What the caller said"), "textarea", required=False,
                      help=_("A line on the call: reached or not, what the caller told you about the outcome."))
SATISFACTION_HELP = _("Ask the caller how satisfied they are with how the request was handled; it counts in the "
                      "satisfaction rate (满意率).")
UNSATISFIED_REASON = Field("reason", _("Reason for dissatisfaction"), "textarea", required=False,
                           help=_("Only when the caller is unsatisfied: what they are unhappy with (required then)."))
RESOLVED_CHOICES = (("yes", _("Solved")), ("no", _("Not solved (explained to the caller)")))

CONSULTATION_PROCESS = register(ProcessDefinition(
    code=CONSULTATION,
    label=_("12351 consultation"),
    prefix="ZX",
    description=_("A question to the 12351 platform: the agent answers and closes; a question the agent cannot "
                  "answer goes to a specialist department, whose answer the agent gives the caller on a "
                  "callback."),
    opening=Opening(INTAKE, ALL_LEVELS, effect=effects.create_request),
    initial="answering",
    states=(
        State("answering", _("To answer"), Deadline.same_day("当天答复")),
        State("specialist", _("Specialist department answering"),
              Deadline.working_days(policies.SPECIALIST_DAYS, "专业部门答复")),
        State("callback", _("Call the caller back"), Deadline.working_days(policies.CALLBACK_DAYS, "回拨职工")),
        State("closed", pgettext_lazy("case", "Closed"), final=True),
    ),
    transitions=(
        Transition("answer", _("Answer and close"), ("answering",), "closed", INTAKE, ALL_LEVELS,
                   fields=(Field("answer", _("Answer"), "textarea"),), effect=effects.agent_answered),
        Transition("refer", _("Refer to a specialist department"), ("answering",), "specialist", AGENTS, LEVEL_1,
                   kind=DISPATCH, target_levels=LEVEL_1, guard=effects.departments_only,
                   effect=effects.referred, style="outline-primary"),
        Transition("specialist_answer", _("Give the specialist answer"), ("specialist",), "callback",
                   SPECIALISTS, LEVEL_1, fields=(Field("answer", _("Answer"), "textarea"),),
                   effect=effects.specialist_answered),
        Transition("call_back", _("Called back: close"), ("callback",), "closed", INTAKE, ALL_LEVELS,
                   fields=(CALLBACK_NOTE,
                           Field("satisfaction", _("Satisfaction"), "choice", required=False,
                                 choices=SATISFACTION_CHOICES, help=SATISFACTION_HELP),
                           UNSATISFIED_REASON),
                   guard=effects.reason_when_unsatisfied, effect=effects.consultation_called_back),
    ),
    returnable=frozenset({"specialist"}),
    extendable=frozenset({"specialist"}),
    # A window that cannot answer sends the question up (station → district → city platform).
    escalatable=frozenset({"answering"}),
    reopen=Reopen(("closed",), "answering", AGENTS, LEVEL_1),
))

AFFAIR_PROCESS = register(ProcessDefinition(
    code=AFFAIR,
    label=_("12351 affair"),
    prefix="SW",
    description=_("A request for help: dispatched to a department or a level-2/3 unit with filing copies; "
                  "handled and fed back within 7 working days; the platform calls back, records satisfaction, "
                  "and closes or sends it back to handling."),
    opening=Opening(INTAKE, ALL_LEVELS, effect=effects.create_request),
    initial="intake",
    states=(
        State("intake", _("To dispatch"), Deadline.same_day("当天派单")),
        State("handling", _("Handling"),
              Deadline.working_days(policies.AFFAIR_HANDLE_DAYS, "在7个工作日内将处理结果反馈12351职工服务平台")),
        State("callback", _("Callback (回访)"), Deadline.working_days(policies.AFFAIR_CALLBACK_DAYS, "督办回访")),
        State("closed", pgettext_lazy("case", "Closed"), final=True),
    ),
    transitions=(
        # Filing copies are required (seed 000 §四.1(1) 同时要向产业和区县总工会备案): the guard names the missing.
        Transition("dispatch", _("Dispatch"), ("intake",), "handling", INTAKE, ALL_LEVELS, kind=DISPATCH,
                   target_levels=ALL_LEVELS, filing=True, guard=effects.filing_complete,
                   initial=effects.dispatch_initial),
        Transition("feedback", _("Feed back (回单)"), ("handling",), "callback", HANDLERS, ALL_LEVELS,
                   fields=(Field("result", _("What was verified and done"), "textarea"),
                           Field("resolved", _("Outcome"), "choice", choices=RESOLVED_CHOICES)),
                   effect=effects.fed_back),
        Transition("close", _("Called back: close and archive"), ("callback",), "closed", INTAKE, ALL_LEVELS,
                   fields=(Field("satisfaction", _("Satisfaction"), "choice", choices=SATISFACTION_CHOICES,
                                 help=SATISFACTION_HELP),
                           UNSATISFIED_REASON, CALLBACK_NOTE),
                   guard=effects.reason_when_unsatisfied, effect=effects.affair_closed),
        Transition("redo", _("Unsatisfied: handle again"), ("callback",), "handling", INTAKE, ALL_LEVELS,
                   kind=DISPATCH, target_levels=ALL_LEVELS,
                   fields=(Field("reason", _("Reason for dissatisfaction"), "textarea",
                                 help=_("What the caller is unhappy with: the handling unit reads it.")),),
                   effect=effects.sent_back, style="outline-danger", initial=effects.redo_initial),
    ),
    returnable=frozenset({"handling"}),
    extendable=frozenset({"handling"}),
    escalatable=frozenset({"intake"}),
    sign_required=frozenset({"handling"}),
    reopen=Reopen(("closed",), "callback", INTAKE, ALL_LEVELS),
    on_overdue="escalate",
))
