"""Kindred's settings: Django's own in ``base``, then one module per integration
and one for Kindred's limits. Import order matters only where a module reads
another's value (security reads DEBUG from base)."""

from .base import *  # noqa: F403
from .database import *  # noqa: F403
from .limits import *  # noqa: F403
from .redis import *  # noqa: F403
from .security import *  # noqa: F403
