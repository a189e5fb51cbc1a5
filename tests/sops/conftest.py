# The complaint, staff and provider fixtures of the triage tests: SOP runs start from the same
# complaints.
from tests.triage.conftest import people, providers, register  # noqa: F401
