"""The program's rules, pure functions by topic: prerequisites, the journey, renewal, the event
chain and the case rate. Import from the topic module or from here."""

from designation.rules.case_rate import (  # noqa: F401
    CENT,
    PER_MILLION,
    case_rate,
    meets_target,
)
from designation.rules.event_chain import (  # noqa: F401
    GENESIS_HASH,
    ChainProblem,
    chain_problems,
    event_hash,
)
from designation.rules.journey import (  # noqa: F401
    JOURNEY_STEPS,
    add_years,
    carried_over,
    journey_step,
    pass_valid_until,
    performance_window_end,
)
from designation.rules.prerequisites import (  # noqa: F401
    PASSING_CAPABILITY_SCORE,
    SUPPORT_PLAN_WARNING_DAYS,
    AccountFacts,
    CspFact,
    CspKind,
    Prerequisite,
    SolutionArea,
    SolutionsPartnerFact,
    SupportContractFact,
    SupportPlan,
    accepted_support_plans,
    all_met,
    capability_score_qualifies,
    check_csp,
    check_solutions_partner,
    check_support_plan,
    covered_until,
    evaluate_prerequisites,
)
from designation.rules.renewal import (  # noqa: F401
    REMINDER_DAYS,
    RenewalWindow,
    StateCutoffs,
    designation_state_on,
    reminder_anniversaries,
    reminder_due,
    reminder_label,
    renewal_window,
    state_cutoffs,
)
