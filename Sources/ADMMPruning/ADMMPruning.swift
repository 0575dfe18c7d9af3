// Module ADMMPruning: see docs/ARCHITECTURE.md.
