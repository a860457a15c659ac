"""Read models: what a screen or a command shows, computed from the store.

No Textual here (an import contract keeps it so): the CLI prints the same figures the
screens show, from the same code.
"""
