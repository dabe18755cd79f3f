"""The pure domain core: no I/O, no clock of its own, no framework."""
