"""Text catalogues (``flows/texts/<lang>.yml``) and the supported languages."""
