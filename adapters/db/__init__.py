"""Storage. Importing the package registers every table on the one metadata, so migrations
and their tests see the whole schema whichever module is imported first."""

from adapters.db import infoweek_models, models, staff_models

__all__ = ["infoweek_models", "models", "staff_models"]
