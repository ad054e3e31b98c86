"""Pure logic of the edge: no I/O, no aiogram, no Redis."""
