"""Message catalogues (gettext): the translations of sscert's messages."""
