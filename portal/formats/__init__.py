"""Date formats per locale: ISO 8601 (YYYY-MM-DD) in every one the portal may run in."""
