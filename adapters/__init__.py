"""Everything that touches the outside world: channels, database, NLU server, web, CLI."""
