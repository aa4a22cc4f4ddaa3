"""Info week: the events people can sign up for (arrives with its own issue)."""
