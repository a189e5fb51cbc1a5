"""Cases app models: the case and its access (core) and the complaint intake (intake)."""

from cases.models.core import *  # noqa: F401,F403
from cases.models.intake import *  # noqa: F401,F403
