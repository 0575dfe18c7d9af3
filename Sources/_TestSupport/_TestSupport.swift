// Module _TestSupport: see docs/ARCHITECTURE.md.
