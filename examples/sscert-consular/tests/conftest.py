pytest_plugins = ["sscert.testing"]
