"""Storage. Importing the package registers every table on the one metadata, so migrations
and their tests see the whole schema whichever module is imported first."""

from adapters.db import models, staff_models

__all__ = ["models", "staff_models"]
