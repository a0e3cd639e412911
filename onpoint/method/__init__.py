"""The Onpoint method (docs/onpoint-method.md) as pure functions: plain data in, plain data out.

The standard library only: no Django, no ORM, nothing of the project outside this package
(tests/test_layers.py holds it to that). onpoint's services feed it from the database and store
what it returns; surveys uses it for the scores of one response.
"""
