// Module NeuralNetworks: see docs/ARCHITECTURE.md.
