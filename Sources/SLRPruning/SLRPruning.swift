// Module SLRPruning: see docs/ARCHITECTURE.md.
