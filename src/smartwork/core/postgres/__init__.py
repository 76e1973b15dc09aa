"""smartwork's PostgreSQL backend: Django's, with a cheaper connection health check."""
