// Module PruningCore: see docs/ARCHITECTURE.md.
