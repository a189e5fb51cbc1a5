"""Cases app models: the case and its access (core), the complaint intake (intake) and the
victims' consent records (consent)."""

from cases.models.consent import *  # noqa: F401,F403
from cases.models.core import *  # noqa: F401,F403
from cases.models.intake import *  # noqa: F401,F403
