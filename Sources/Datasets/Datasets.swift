// Module Datasets: labelled image sets (Fashion-MNIST, MNIST, CIFAR-10, a seeded synthetic task), their
// preprocessing (pixel / 255, then standardisation with training statistics) and seeded, resumable batching.
// Layout and dependency direction: docs/ARCHITECTURE.md.
