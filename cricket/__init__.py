"""Cricket itself, pure: the Laws and playing conditions as a fold over a match's actions
(``cricket.engine``) and Cricsheet's format (``cricket.cricsheet``). No Django, no database,
no server: everything here is a function of its arguments (tests/test_contracts.py)."""
