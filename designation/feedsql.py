"""The SQL of the partner facts feed: per fact kind, its columns, its rules and its writes.

A staged file (text columns, in file order) is checked by one set-based statement naming every
bad cell; a good file is then written by a few set-based statements (changes kept in
designation_factchange first, then UPDATE, DELETE and INSERT), never one query per partner.
Values are trimmed; an empty value is a missing one. Rows are numbered as a spreadsheet shows
them: the header is row 1.
"""

# ruff: noqa: S608 -- every statement is built from the constants below; values are parameters.
from dataclasses import dataclass

from designation.rules import CspKind, SolutionArea, SupportPlan
from portal.bounds import CAPABILITY_POINTS

STAGE = "designation_feed_stage"
TYPED = "designation_feed_typed"
TRUE_WORDS = ("true", "yes", "1")
BOOL_WORDS = ("true", "false", "yes", "no", "1", "0")


def _is_date(text: str) -> str:
    """True when `text` is a real calendar day written YYYY-MM-DD in 2000-2099, without raising."""
    return (
        f"(CASE WHEN {text} ~ '^20[0-9]{{2}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' "
        f"THEN substr({text}, 9, 2)::int <= extract(day from "
        f"(substr({text}, 1, 8) || '01')::date + interval '1 month' - interval '1 day') "
        "ELSE false END)"
    )


def _one_of(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


@dataclass(frozen=True)
class Column:
    """One column of a feed file: how it is checked (SQL over the trimmed text `v`) and typed."""

    name: str
    kind: str  # partner_id, text, country, bool, date, points, choice
    required: bool = True
    choices: tuple[str, ...] = ()
    max_length: int = 200

    def value(self) -> str:
        return f"NULLIF(trim({self.name}), '')"

    def check(self, alias: str = "v") -> str:
        """CASE ... THEN message END: NULL when the cell is fine."""
        v = f"{alias}.{self.name}"
        rules = []
        if self.required:
            rules.append((f"{v} IS NULL", "A value is required."))
        bad = {
            "partner_id": (f"{v} !~ '^[0-9]{{5,12}}$'", "A partner ID is 5 to 12 digits."),
            "text": (
                f"length({v}) > {self.max_length}",
                f"At most {self.max_length} characters.",
            ),
            "country": (f"{v} !~ '^[A-Z]{{2}}$'", "Use the two-letter ISO country code, e.g. US."),
            "bool": (f"lower({v}) NOT IN {_one_of(BOOL_WORDS)}", "Write true or false."),
            "date": (f"NOT {_is_date(v)}", "A day written YYYY-MM-DD, between 2000 and 2099."),
            "points": (
                f"CASE WHEN {v} ~ '^[0-9]{{1,9}}$' THEN {v}::int NOT BETWEEN "
                f"{CAPABILITY_POINTS.low} AND {CAPABILITY_POINTS.high} ELSE true END",
                f"Give {CAPABILITY_POINTS.words()}.",
            ),
            "choice": (
                f"{v} NOT IN {_one_of(self.choices)}",
                f"One of: {', '.join(self.choices)}.",
            ),
        }[self.kind]
        rules.append((f"{v} IS NOT NULL AND ({bad[0]})", bad[1]))
        whens = " ".join(f"WHEN {cond} THEN '{message}'" for cond, message in rules)
        return f"CASE {whens} END"

    def typed(self) -> str:
        """The typed value for the TYPED table (only run once every check passed)."""
        v = self.name
        return {
            "bool": f"lower({v}) IN {_one_of(TRUE_WORDS)}",
            "date": f"{v}::date",
            "points": f"{v}::smallint",
        }.get(self.kind, v)


@dataclass(frozen=True)
class FeedKind:
    """One fact kind's file: columns, the table it writes, its natural key and its values."""

    name: str
    file_name: str
    columns: tuple[Column, ...]
    table: str
    fact_kind: str  # FactKind value recorded in the history
    key: tuple[str, ...]  # besides the partner; () for the accounts file (one row per partner)
    values: tuple[str, ...]  # columns updated in place when the key matches
    extra_checks: tuple[tuple[str, str, str], ...] = ()  # (column, bad condition, message)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def fact_columns(self) -> tuple[str, ...]:
        return self.key + self.values


PARTNER = Column("partner_id", "partner_id")

ACCOUNTS = FeedKind(
    name="accounts",
    file_name="accounts.csv",
    columns=(
        PARTNER,
        Column("legal_name", "text", max_length=200),
        Column("country", "country"),
        Column("in_good_standing", "bool"),
        Column("partner_center_registered", "bool"),
        Column("tax_billing_on_file", "bool"),
    ),
    table="designation_organization",
    fact_kind="account",
    key=(),
    values=(
        "legal_name",
        "country",
        "in_good_standing",
        "partner_center_registered",
        "tax_billing_on_file",
    ),
)
SOLUTIONS_PARTNER = FeedKind(
    name="solutions_partner",
    file_name="solutions_partner.csv",
    columns=(
        PARTNER,
        Column("area", "choice", choices=tuple(a.value for a in SolutionArea)),
        Column("attained_on", "date"),
        Column("anniversary_on", "date"),
        Column("performance_points", "points", required=False),
        Column("skilling_points", "points", required=False),
        Column("customer_success_points", "points", required=False),
    ),
    table="designation_solutionspartnerdesignation",
    fact_kind="solutions_partner",
    key=("area", "attained_on"),
    values=("anniversary_on", "performance_points", "skilling_points", "customer_success_points"),
    extra_checks=(
        (
            "anniversary_on",
            "anniversary_on::date <= attained_on::date",
            "The anniversary must be after the attainment date.",
        ),
    ),
)
CSP = FeedKind(
    name="csp",
    file_name="csp.csv",
    columns=(
        PARTNER,
        Column("kind", "choice", choices=tuple(k.value for k in CspKind)),
        Column("enrolled_on", "date"),
        Column("ended_on", "date", required=False),
    ),
    table="designation_cspenrollment",
    fact_kind="csp",
    key=("kind", "enrolled_on"),
    values=("ended_on",),
    extra_checks=(
        (
            "ended_on",
            "ended_on IS NOT NULL AND ended_on::date < enrolled_on::date",
            "The end cannot be before the enrollment date.",
        ),
    ),
)
SUPPORT_CONTRACTS = FeedKind(
    name="support_contracts",
    file_name="support_contracts.csv",
    columns=(
        PARTNER,
        Column("plan", "choice", choices=tuple(p.value for p in SupportPlan)),
        Column("starts_on", "date"),
        Column("ends_on", "date"),
    ),
    table="designation_supportcontract",
    fact_kind="support_contract",
    key=("plan", "starts_on"),
    values=("ends_on",),
    extra_checks=(
        (
            "ends_on",
            "ends_on::date < starts_on::date",
            "The contract cannot end before it starts.",
        ),
    ),
)
KINDS = {kind.name: kind for kind in (ACCOUNTS, SOLUTIONS_PARTNER, CSP, SUPPORT_CONTRACTS)}


def validate_sql(kind: FeedKind) -> str:
    """Every bad cell (row, column, message), the first %(limit)s by row, with the total."""
    order = {name: index for index, name in enumerate(kind.names)}
    checks = ", ".join(f"({order[c.name]}, '{c.name}', {c.check()})" for c in kind.columns)
    normalised = ", ".join(f"{c.value()} AS {c.name}" for c in kind.columns)
    extra = " UNION ALL ".join(
        f"SELECT row_no, {order[column]}, '{column}', '{message}' FROM v "
        f"WHERE CASE WHEN row_ok THEN {condition} ELSE false END"
        for column, condition, message in kind.extra_checks
    )
    key = ("partner_id", *kind.key)
    key_list = ", ".join(key)
    unknown_partner = (
        ""
        if kind is ACCOUNTS
        else """
        UNION ALL
        SELECT row_no, 0, 'partner_id', 'No organisation has this partner ID; load it in '
               || 'accounts.csv first.'
        FROM v WHERE v.partner_id ~ '^[0-9]{5,12}$'
          AND NOT EXISTS (SELECT 1 FROM designation_organization o
                          WHERE o.partner_id = v.partner_id)"""
    )
    every_check = " AND ".join(f"({c.check('w')}) IS NULL" for c in kind.columns)
    return f"""
        WITH w AS (
            SELECT row_number() OVER (ORDER BY ctid) + 1 AS row_no, {normalised} FROM {STAGE}
        ),
        v AS (SELECT w.*, {every_check} AS row_ok FROM w),
        bad AS (
            SELECT v.row_no, c.position, c.column_name, c.message
            FROM v CROSS JOIN LATERAL (VALUES {checks}) AS c(position, column_name, message)
            WHERE c.message IS NOT NULL
            {"UNION ALL " + extra if extra else ""}
            {unknown_partner}
            UNION ALL
            SELECT row_no, 0, 'partner_id',
                   'The same {" and ".join(key)} is already on row ' || first_row || '.'
            FROM (
                SELECT row_no, min(row_no) OVER (PARTITION BY {key_list}) AS first_row
                FROM v WHERE row_ok
            ) d WHERE row_no > first_row
        )
        SELECT row_no, column_name, message, count(*) OVER () AS total
        FROM bad ORDER BY row_no, position LIMIT %(limit)s
    """


def typed_sql(kind: FeedKind) -> str:
    """The staged rows, typed, with the organisation's id (every check has passed)."""
    typed = ", ".join(f"{c.typed()} AS {c.name}" for c in kind.columns)
    normalised = ", ".join(f"{c.value()} AS {c.name}" for c in kind.columns)
    return f"""
        CREATE TEMP TABLE {TYPED} ON COMMIT DROP AS
        SELECT o.id AS organization_id, t.* FROM (
            SELECT {typed} FROM (SELECT {normalised} FROM {STAGE}) s
        ) t LEFT JOIN designation_organization o ON o.partner_id = t.partner_id
    """


def _json(prefix: str, columns: tuple[str, ...]) -> str:
    pairs = ", ".join(f"'{name}', {prefix}.{name}" for name in columns)
    return f"jsonb_build_object({pairs})"


def _differs(columns: tuple[str, ...], left: str = "f", right: str = "t") -> str:
    return " OR ".join(f"{left}.{c} IS DISTINCT FROM {right}.{c}" for c in columns)


def write_statements(kind: FeedKind) -> list[tuple[str, str]]:
    """(counter, SQL) in order; params: by (user id or NULL), now. Each returns its row count."""
    history = (
        "INSERT INTO designation_factchange (organization_id, kind, fact_id, action, before, "
        "after, source, by_id, at, reason, change_request_id) "
    )
    kept = f"'{kind.fact_kind}'"
    if kind is ACCOUNTS:
        values = kind.values
        sets = ", ".join(f"{c} = t.{c}" for c in values)
        new_columns = ", ".join(values)
        return [
            (
                "updated",
                f"""{history}
                SELECT f.id, {kept}, NULL, 'changed', {_json("f", values)}, {_json("t", values)},
                       'feed', %(by)s, %(now)s, 'Partner facts feed', NULL
                FROM {kind.table} f JOIN {TYPED} t ON t.organization_id = f.id
                WHERE {_differs(values)}""",
            ),
            (
                None,
                f"""UPDATE {kind.table} f SET {sets}, facts_source = 'feed',
                       facts_confirmed_at = %(now)s
                FROM {TYPED} t WHERE t.organization_id = f.id""",
            ),
            (
                "created",
                f"""WITH ins AS (
                    INSERT INTO {kind.table} (partner_id, {new_columns}, facts_source,
                        facts_confirmed_at, representative_attested, created_at)
                    SELECT partner_id, {new_columns}, 'feed', %(now)s, false, %(now)s
                    FROM {TYPED} WHERE organization_id IS NULL
                    RETURNING *
                )
                {history}
                SELECT ins.id, {kept}, NULL, 'added', '{{}}'::jsonb, {_json("ins", values)},
                       'feed', %(by)s, %(now)s, 'Partner facts feed', NULL FROM ins""",
            ),
        ]
    key_match = " AND ".join(f"f.{c} = t.{c}" for c in kind.key)
    facts = kind.fact_columns
    sets = ", ".join(f"{c} = t.{c}" for c in kind.values)
    named = f"f.organization_id IN (SELECT DISTINCT organization_id FROM {TYPED})"
    gone = (
        f"{named} AND NOT EXISTS (SELECT 1 FROM {TYPED} t "
        f"WHERE t.organization_id = f.organization_id AND {key_match})"
    )
    matched = f"{TYPED} t WHERE t.organization_id = f.organization_id AND {key_match}"
    columns = ", ".join(facts)
    return [
        (
            "removed",
            f"""{history}
            SELECT f.organization_id, {kept}, f.id, 'removed', {_json("f", facts)},
                   '{{}}'::jsonb, 'feed', %(by)s, %(now)s, 'Partner facts feed', NULL
            FROM {kind.table} f WHERE {gone}""",
        ),
        (None, f"DELETE FROM {kind.table} f WHERE {gone}"),
        (
            "updated",
            f"""{history}
            SELECT f.organization_id, {kept}, f.id, 'changed', {_json("f", facts)},
                   {_json("t", facts)}, 'feed', %(by)s, %(now)s, 'Partner facts feed', NULL
            FROM {kind.table} f, {matched} AND ({_differs(kind.values)})""",
        ),
        (
            None,
            f"""UPDATE {kind.table} f SET {sets}, source = 'feed', confirmed_at = %(now)s
            FROM {matched}""",
        ),
        (
            "created",
            f"""WITH ins AS (
                INSERT INTO {kind.table} (organization_id, {columns}, source, confirmed_at)
                SELECT t.organization_id, {", ".join(f"t.{c}" for c in facts)}, 'feed', %(now)s
                FROM {TYPED} t WHERE NOT EXISTS (
                    SELECT 1 FROM {kind.table} f
                    WHERE t.organization_id = f.organization_id AND {key_match})
                RETURNING *
            )
            {history}
            SELECT ins.organization_id, {kept}, ins.id, 'added', '{{}}'::jsonb,
                   {_json("ins", facts)}, 'feed', %(by)s, %(now)s, 'Partner facts feed', NULL
            FROM ins""",
        ),
    ]
