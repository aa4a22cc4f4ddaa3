"""Privacy rules: pseudonyms for channel ids, what is kept and for how long."""
