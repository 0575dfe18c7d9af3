// Module EvaluationHarness: see docs/ARCHITECTURE.md.
