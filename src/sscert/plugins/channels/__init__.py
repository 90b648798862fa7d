"""The built-in channels, each a plugin module, registered like third-party plugins."""

#: ``name = "module:attribute"`` — the same shape as an entry point in the ``sscert`` group.
BUILTIN = {
    "sscert.hebei_renshe": "sscert.plugins.channels.hebei_renshe",
    "sscert.yirenshe": "sscert.plugins.channels.yirenshe",
    "sscert.assisted": "sscert.plugins.channels.assisted",
    "sscert.data_comparison": "sscert.plugins.channels.data_comparison",
}
