"""Understanding the person: which language they write, and what they mean."""
