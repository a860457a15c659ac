"""The domain: plain dataclasses, enums and pure functions. No Textual, no TinyDB."""
