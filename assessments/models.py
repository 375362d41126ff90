"""ISSI audit records, evidence files and the fee schedule."""
