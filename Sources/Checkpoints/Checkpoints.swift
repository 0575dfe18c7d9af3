// Module Checkpoints: see docs/ARCHITECTURE.md.
