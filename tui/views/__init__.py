"""What the command and the screens write for people to read, without Textual or files.

Pure functions from domain results to text and bytes: the report files, CSV cells. The
command and the screens call the same ones, so a file saved from a screen and one
written by ``kuffert`` are the same file. Below the store (exports use the CSV cells),
above the domain.
"""
