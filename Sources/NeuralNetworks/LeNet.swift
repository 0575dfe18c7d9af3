import TensorEngine

/// LeNet-300-100: flatten, `fc1` → ReLU → `fc2` → ReLU → `fc3`.
public final class MultilayerPerceptron: Layer {
    /// Flattens [N, C, H, W] to [N, C·H·W].
    public let flatten = Flatten()
    /// The first fully connected layer (`fc1`).
    public let fc1: Linear
    /// The rectifier used after every hidden layer (no parameters).
    public let relu = ReLU()
    /// The second fully connected layer (`fc2`).
    public let fc2: Linear
    /// The output layer (`fc3`).
    public let fc3: Linear

    /// Creates the network with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inputFeatures: Scalars per example (784 for 28×28 images).
    ///   - hidden: Widths of the two hidden layers.
    ///   - classes: Outputs.
    ///   - generator: The seeded random stream.
    public init(inputFeatures: Int, hidden: (Int, Int) = (300, 100), classes: Int, generator: inout SeededGenerator) {
        fc1 = Linear(inFeatures: inputFeatures, outFeatures: hidden.0, generator: &generator)
        fc2 = Linear(inFeatures: hidden.0, outFeatures: hidden.1, generator: &generator)
        fc3 = Linear(inFeatures: hidden.1, outFeatures: classes, generator: &generator)
    }

    /// Flattens any [N, …] input and applies the three layers.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        var x = flatten(input, context: &context)
        x = relu(fc1(x, context: &context), context: &context)
        x = relu(fc2(x, context: &context), context: &context)
        return fc3(x, context: &context)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("flatten", flatten), ("fc1", fc1), ("relu", relu), ("fc2", fc2), ("fc3", fc3)]
    }
}

/// LeNet-5: `conv1` (5×5, pad 2) → ReLU → max-pool 2 → `conv2` (5×5) → ReLU → max-pool 2 → flatten (C, H, W)
/// → `fc1` → ReLU → `fc2` → ReLU → `fc3`.
public final class LeNet5: Layer {
    /// The first convolution (`conv1`).
    public let conv1: Conv2d
    /// The rectifier used after every hidden layer (no parameters).
    public let relu = ReLU()
    /// The 2×2 max-pool used after both convolutions.
    public let pool = MaxPool2d(kernelSize: 2, stride: 2)
    /// The second convolution (`conv2`).
    public let conv2: Conv2d
    /// Flattens [N, C, H, W] to [N, C·H·W].
    public let flatten = Flatten()
    /// The first fully connected layer (`fc1`).
    public let fc1: Linear
    /// The second fully connected layer (`fc2`).
    public let fc2: Linear
    /// The output layer (`fc3`).
    public let fc3: Linear

    /// Creates the network with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inputChannels: Channels of the input images.
    ///   - inputSize: Side of the square input (28 gives fc1 400 → 120).
    ///   - classes: Outputs.
    ///   - generator: The seeded random stream.
    public init(inputChannels: Int, inputSize: Int = 28, classes: Int, generator: inout SeededGenerator) {
        let side = (inputSize / 2 - 4) / 2
        precondition(side >= 1, "LeNet5: input side \(inputSize) is too small (at least 12)")
        conv1 = Conv2d(inputChannels, 6, kernelSize: 5, padding: 2, generator: &generator)
        conv2 = Conv2d(6, 16, kernelSize: 5, generator: &generator)
        fc1 = Linear(inFeatures: 16 * side * side, outFeatures: 120, generator: &generator)
        fc2 = Linear(inFeatures: 120, outFeatures: 84, generator: &generator)
        fc3 = Linear(inFeatures: 84, outFeatures: classes, generator: &generator)
    }

    /// The LeNet-5 forward pass.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        var x = pool(relu(conv1(input, context: &context), context: &context), context: &context)
        x = pool(relu(conv2(x, context: &context), context: &context), context: &context)
        x = flatten(x, context: &context)
        x = relu(fc1(x, context: &context), context: &context)
        x = relu(fc2(x, context: &context), context: &context)
        return fc3(x, context: &context)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("conv1", conv1), ("relu", relu), ("pool", pool), ("conv2", conv2), ("flatten", flatten),
         ("fc1", fc1), ("fc2", fc2), ("fc3", fc3)]
    }
}
