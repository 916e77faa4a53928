"""Shared plumbing every app may use: read replicas, rate limits, JSON bodies, work after the
response, the database backend, metrics objects."""
