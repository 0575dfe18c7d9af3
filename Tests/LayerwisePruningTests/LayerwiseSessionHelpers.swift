import Datasets
import NeuralNetworks
import PruningCore
import SparsityConstraints
import TensorEngine
@testable import LayerwisePruning

/// Tiny standardised synthetic data shaped like Fashion-MNIST (cached: every test reads the same images).
let tinyData: DatasetSplits = {
    let splits = try! DatasetSplits.synthetic(seed: 7, trainCount: 48, testCount: 16)
    return try! splits.standardized().splits
}()

/// A fresh seeded LeNet-5 for 1×28×28 images.
func tinyLeNet(seed: UInt64 = 3) throws -> Model {
    try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: seed)
}

/// A session over `model` pruning the selected weights (all Linear and Conv2d weights unless `names` is given).
func makeSession(model: Model, constraint: any Constraint, names: [String]? = nil) throws -> PruningSession {
    var parameters = try ParameterSelector.default.select(from: model)
    if let names { parameters = parameters.filter { names.contains($0.name) } }
    return PruningSession(model: model, parameters: parameters, constraint: constraint, trainingData: tinyData.train,
                          lossData: tinyData.train, lossDataDescription: "tiny synthetic set", methodEpochs: 0,
                          stepsPerEpoch: 1, seed: 1)
}

/// The names of LeNet-5's fully connected weights.
let fullyConnected = ["fc1.weight", "fc2.weight", "fc3.weight"]
