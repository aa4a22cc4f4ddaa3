"""The flow language: YAML flows in ``flows/``, their typed model, loading and validation."""
