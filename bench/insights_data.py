"""The SQL that builds the insights benchmark's program (bench/insights.py): one
set-based statement per table, with generate_series, in the order they run."""

# Each organisation k = 1..N: a country, one or two solution areas, a year of rollups with rates
# on both sides of the 20.00 target, one enrollment whose step follows k % 20, its event log,
# the audits of the steps it reached, a designation once enrolled.
GENERATE = [
    (
        "organisations",
        """
        INSERT INTO designation_organization
            (partner_id, legal_name, country, in_good_standing, partner_center_registered,
             tax_billing_on_file, facts_source, representative_attested,
             code_of_conduct_accepted_on, created_at)
        SELECT (10000000 + g)::text, 'Bench partner ' || g,
               CASE WHEN g <= 12 THEN 'LI'  -- a small country: its cohort stays hidden
                    ELSE (%(countries)s::text[])[1 + ((g / 20) * 7) %% 40] END,
               true, true, true, 'declared', true, %(as_of)s::date - 400, now()
        FROM generate_series(1, %(n)s) AS g
        """,
    ),
    (
        "solution areas",
        """
        INSERT INTO designation_solutionspartnerdesignation
            (organization_id, area, source, attained_on, anniversary_on)
        SELECT o.id, (%(areas)s::text[])[1 + (o.id + a) %% 6], 'declared',
               %(as_of)s::date - 300, %(as_of)s::date + 500
        FROM designation_organization o
        CROSS JOIN generate_series(0, 1) AS a
        WHERE a = 0 OR o.id %% 3 = 0
        """,
    ),
    (
        "cases (CSP, in the TTM window)",
        """
        INSERT INTO metrics_case (organization_id, case_id, opened_on, program,
                                  customer_tenant_id, severity, title)
        SELECT o.id, 'C' || c, %(window_start)s::date + ((o.id * 31 + c * 17) %% 365)::int,
               'CSP', '', 'B', ''
        FROM designation_organization o CROSS JOIN generate_series(1, %(cases)s) AS c
        """,
    ),
    (
        "monthly rollups (12 months)",
        """
        INSERT INTO metrics_monthlyrollup
            (organization_id, month, csp_case_count, csp_revenue_usd, acr_revenue_usd)
        SELECT o.id, (%(window_start)s::date + make_interval(months => m))::date,
               (o.id %% 9) + (m %% 2), 150000 + (o.id %% 11) * 40000, 50000
        FROM designation_organization o CROSS JOIN generate_series(0, 11) AS m
        """,
    ),
    (
        "enrollments at every step",
        """
        INSERT INTO designation_enrollment
            (organization_id, kind, state, contact_name, contact_email, solution_areas,
             csp_type, support_plan, attested, prerequisite_snapshot, attempt_status,
             csat_carried_over, capability_carried_over, withdrawn_from, reason,
             last_event_hash, created_at, submitted_on)
        SELECT o.id, 'first_attainment',
               (ARRAY['draft', 'eligibility_review', 'performance', 'performance',
                      'customer_success', 'customer_success', 'capability', 'capability',
                      'enrolled', 'enrolled', 'enrolled', 'enrolled', 'enrolled', 'enrolled',
                      'enrolled', 'enrolled', 'enrolled', 'enrolled', 'ineligible',
                      'withdrawn'])[1 + o.id %% 20],
               'Bench', 'bench@example.com', ARRAY['security'], 'direct_bill', 'psfp', true,
               '[]', CASE WHEN o.id %% 20 BETWEEN 2 AND 7 THEN 'in_progress'
                          ELSE 'not_started' END,
               false, false, '', '', '',
               %(as_of)s::timestamptz - make_interval(days => 200 + (o.id %% 500)::int),
               %(as_of)s::date - (180 + (o.id %% 500)::int)
        FROM designation_organization o
        """,
    ),
    (
        "enrollment events",
        """
        WITH e AS (
            SELECT id, created_at, organization_id AS k,
                   array_position(ARRAY['draft', 'eligibility_review', 'performance',
                                        'customer_success', 'capability', 'enrolled'],
                                  CASE state WHEN 'ineligible' THEN 'eligibility_review'
                                             WHEN 'withdrawn' THEN 'performance'
                                             ELSE state END::text) AS reached,
                   CASE WHEN state IN ('ineligible', 'withdrawn') THEN state END AS extra
            FROM designation_enrollment
        ), steps AS (
            SELECT e.id, e.k, e.created_at, i,
                   CASE WHEN i = 1 THEN '' ELSE p[i - 1] END AS from_state,
                   CASE WHEN i <= e.reached THEN p[i] ELSE e.extra END AS to_state
            FROM e,
                 LATERAL (SELECT ARRAY['draft', 'eligibility_review', 'performance',
                                       'customer_success', 'capability', 'enrolled'] AS p) AS a,
                 LATERAL generate_series(1, e.reached + (e.extra IS NOT NULL)::int) AS i
        )
        INSERT INTO designation_enrollmentevent
            (enrollment_id, sequence, at, actor_name, transition, from_state, to_state, reason,
             note, rules_version_id, previous_hash, hash)
        SELECT id, i, created_at + make_interval(days => (i - 1) * (8 + (k %% 30)::int)),
               'system', 'bench', from_state, to_state, '', '',
               (SELECT min(id) FROM designation_programrules), '', md5(id || '-' || i)
        FROM steps
        """,
    ),
    (
        "audits (passes, failed first attempts, open)",
        """
        WITH e AS (
            SELECT id, organization_id AS k, created_at,
                   array_position(ARRAY['draft', 'eligibility_review', 'performance',
                                        'customer_success', 'capability', 'enrolled'],
                                  state::text) AS reached
            FROM designation_enrollment WHERE state NOT IN ('ineligible', 'withdrawn')
        ), attempts AS (
            SELECT e.*, s.step, s.kind, a.attempt
            FROM e
            JOIN (VALUES (3, 'performance'), (4, 'csat'), (5, 'capability')) AS s(step, kind)
              ON s.step <= e.reached
            CROSS JOIN generate_series(1, 2) AS a(attempt)
            WHERE a.attempt = 1 OR e.k %% 4 = 0
        )
        INSERT INTO assessments_auditrecord
            (enrollment_id, kind, attempt, status, created_at, assigned_on, submitted_at,
             fee_schedule_id, fee_amount, fee_currency, performance_window_ends_on,
             override_reason, scores, verdict, judged_against, correction_reason)
        SELECT t.id, t.kind, t.attempt,
               CASE WHEN t.step < t.reached OR (t.attempt = 1 AND t.k %% 4 = 0)
                    THEN 'submitted' ELSE 'claimed' END,
               t.created_at + make_interval(days => t.step * 30 + t.attempt * 12),
               (t.created_at + make_interval(days => t.step * 30 + t.attempt * 12 + 2))::date,
               CASE WHEN t.step < t.reached OR (t.attempt = 1 AND t.k %% 4 = 0)
                    THEN t.created_at + make_interval(days => t.step * 30 + t.attempt * 12
                                                      + 5 + (t.k %% 40)::int) END,
               f.id, f.amount, f.currency,
               CASE WHEN t.kind = 'performance'
                    THEN (t.created_at + make_interval(days => t.step * 30 + 29))::date END,
               '', '{}',
               CASE WHEN t.attempt = 1 AND t.k %% 4 = 0 THEN 'fail'
                    WHEN t.step < t.reached THEN 'pass' ELSE '' END,
               '{}', ''
        FROM attempts t
        JOIN LATERAL (SELECT id, amount, currency FROM assessments_feeschedule
                       WHERE kind = t.kind ORDER BY effective_from DESC LIMIT 1) AS f ON true
        """,
    ),
    (
        "designations (enrolled)",
        """
        INSERT INTO designation_designation
            (organization_id, enrollment_id, attained_on, anniversary_on, state, credential_id)
        SELECT e.organization_id, e.id, %(as_of)s::date - (e.organization_id %% 365)::int,
               %(as_of)s::date - (e.organization_id %% 365)::int + 365,
               CASE WHEN 365 - (e.organization_id %% 365) <= 60 THEN 'renewal_open'
                    ELSE 'active' END,
               md5('credential-' || e.id)
        FROM designation_enrollment e WHERE e.state = 'enrolled'
        """,
    ),
    (
        "a bench appellant and decider",
        """
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                               is_staff, is_active, date_joined)
        VALUES ('!', false, 'bench-appellant', '', '', '', false, true, now())
        """,
    ),
    (
        "appeals (ineligible, failed, determinations)",
        """
        WITH decisions AS (
            SELECT e.id AS enrollment_id, NULL::bigint AS audit_id, 'ineligible' AS subject,
                   'eligibility-' || e.id AS decision_key, e.organization_id AS k,
                   e.created_at + make_interval(days => 2 * (8 + (e.organization_id %% 30)::int))
                       AS decided
            FROM designation_enrollment e WHERE e.state = 'ineligible'
            UNION ALL
            SELECT a.enrollment_id, a.id,
                   CASE WHEN a.verdict = 'fail' THEN 'assessment' ELSE 'determination' END,
                   'audit-' || a.id, e.organization_id, a.submitted_at
            FROM assessments_auditrecord a JOIN designation_enrollment e ON e.id = a.enrollment_id
            WHERE (a.verdict = 'fail' AND e.organization_id %% 3 = 0)
               OR (a.kind = 'performance' AND a.verdict = 'pass' AND e.organization_id %% 25 = 1)
        )
        INSERT INTO assessments_appeal
            (enrollment_id, audit_id, subject, decision_key, decision_on, closes_on, statement,
             filed_by_id, filed_at, status, decided_by_id, decided_at, reason)
        SELECT d.enrollment_id, d.audit_id, d.subject, d.decision_key, d.decided::date,
               d.decided::date + 30, 'Bench appeal', u.id,
               d.decided + make_interval(days => 1 + (d.k %% 20)::int),
               CASE WHEN d.k %% 7 = 0 THEN 'open' WHEN d.k %% 5 = 0 THEN 'overturned'
                    ELSE 'upheld' END,
               CASE WHEN d.k %% 7 <> 0 THEN u.id END,
               CASE WHEN d.k %% 7 <> 0
                    THEN d.decided + make_interval(days => 4 + (d.k %% 20)::int + (d.k %% 25)::int)
               END,
               CASE WHEN d.k %% 7 <> 0 THEN 'Bench decision' ELSE '' END
        FROM decisions d, (SELECT min(id) AS id FROM auth_user) AS u
        """,
    ),
    (
        "incentive grants (the first N)",
        """
        INSERT INTO designation_incentivegrant
            (organization_id, position, discount_percent, granted_on, rules_version_id)
        SELECT organization_id, row_number() OVER (ORDER BY attained_on, id), 5, attained_on,
               (SELECT min(id) FROM designation_programrules)
        FROM designation_designation ORDER BY attained_on, id LIMIT 100
        """,
    ),
]
