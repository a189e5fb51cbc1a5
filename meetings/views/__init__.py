"""Meeting pages, one module per step of the meeting: ``meetings`` (the meetings and their
attendance), ``agenda`` (screening and agenda), ``presentations`` (an agenda item's presentation and
joint assessment), ``decisions`` (decisions, action items and their follow-up), ``minutes`` and
``signing`` (the signed minutes). ``base`` holds what they share. ``meetings.urls`` imports each
view from its module; this package re-exports nothing.

Thin: selectors fetch (and 404), services decide (and refuse with a message). Non-members get 404
on anything that names a meeting and 403 on pages without one; a member who may see but not edit
gets 404 on an editing POST (the house rule, see docs/access.md).
"""
