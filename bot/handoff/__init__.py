"""Handoff: a person on the staff side takes over the conversation, and gives it back."""
