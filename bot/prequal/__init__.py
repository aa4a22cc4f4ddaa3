"""The anonymous pre-qualification: the questions of flows/prequalification.yml."""
