@_exported import TensorEngine
@_exported import NeuralNetworks
@_exported import Datasets
@_exported import Checkpoints
@_exported import PruningCore
