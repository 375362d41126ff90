"""Writes for ISSI audit records (audits.py) and their evidence files (evidence.py)."""

from assessments.services.audits import (
    WHO_MAY,
    audit_claim,
    audit_correct,
    audit_determine,
    audit_submit,
    authorise,
    judged_against,
)
from assessments.services.evidence import evidence_scan, evidence_upload
from assessments.services.prepared import prepared_evidence_attach, prepared_evidence_upload

__all__ = [
    "WHO_MAY",
    "audit_claim",
    "audit_correct",
    "audit_determine",
    "audit_submit",
    "authorise",
    "evidence_scan",
    "evidence_upload",
    "judged_against",
    "prepared_evidence_attach",
    "prepared_evidence_upload",
]
