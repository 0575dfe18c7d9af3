// Module LayerwisePruning: see docs/ARCHITECTURE.md.
