"""Support schemes: the catalogue (flows/schemes/), indicative eligibility, appointment routing."""
