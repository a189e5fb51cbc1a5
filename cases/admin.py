# Case, CaseGrant, CaseEvent and Victim are deliberately not in the admin: system administrators
# hold no case-level access (docs/access.md). Cases change only through cases.services.
