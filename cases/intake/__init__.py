"""Intake, the first stage of the flow: a complaint is registered (opening or joining a case), the
receiving agency answers it within 24 hours, an attachment is added, a mistaken entry is voided.

``services`` (writes), ``forms``, ``views`` (pages) and ``apis``. The models stay in
``cases.models.intake``: registration opens the case in the same transaction. Import from the
modules; this package re-exports nothing.
"""
