"""Cases, revenue, monthly rollups and case-rate snapshots."""
