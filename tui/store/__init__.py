"""The store: the only code that touches TinyDB and the disk."""
