"""Development tools that start servers: the embedded PostgreSQL and Redis, ``make run``'s
supervisor and ``make cluster``. Never imported by the product (an import contract)."""
