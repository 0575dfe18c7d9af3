// Module MagnitudePruning: see docs/ARCHITECTURE.md.
