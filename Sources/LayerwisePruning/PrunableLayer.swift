import NeuralNetworks
import TensorEngine

/// One selected weight that layer-wise pruning can calibrate: a `Linear` or a `Conv2d` (groups = 1) weight, with
/// how its inputs become Hessian rows.
public struct PrunableLayer {
    /// How the layer's input turns into rows of the flattened weight's columns.
    public enum Inputs: Equatable, Sendable {
        /// A `Linear` layer: the input's last axis is the feature axis, every other axis counts samples.
        case linear
        /// A `Conv2d` layer: the rows are the im2col receptive fields of the NCHW input.
        case convolution(ConvolutionGeometry)
    }

    /// The parameter's name, e.g. `fc1.weight`.
    public let name: String
    /// The parameter entry (the variable whose value is pruned, and its owning layer).
    public let entry: ParameterEntry
    /// How inputs become Hessian rows.
    public let inputs: Inputs
    /// Output rows of the weight (out features or out channels).
    public let rows: Int
    /// Flattened input columns (in features, or in·kh·kw), the Hessian's size.
    public let columns: Int

    /// Describes a selected parameter, or explains why layer-wise pruning cannot handle it.
    /// - Parameter entry: a parameter chosen by the selection.
    /// - Throws: ``LayerwiseError/invalidArgument(_:)`` for a parameter that is not the `weight` of a `Linear` or a
    ///   `Conv2d` with groups = 1.
    public init(_ entry: ParameterEntry) throws {
        name = entry.name
        self.entry = entry
        let shape = entry.variable.value.shape
        guard entry.localName == "weight" else {
            throw LayerwiseError.invalidArgument(
                "parameter '\(entry.name)': layer-wise pruning prunes the 'weight' of Linear and Conv2d layers only; "
                    + "exclude it from the selection")
        }
        switch entry.owner {
        case is Linear:
            inputs = .linear
        case let conv as Conv2d:
            guard conv.groups == 1 else {
                throw LayerwiseError.invalidArgument(
                    "parameter '\(entry.name)': a grouped convolution (groups = \(conv.groups)) is not supported by "
                        + "layer-wise pruning; expected groups = 1 (exclude the layer from the selection)")
            }
            inputs = .convolution(ConvolutionGeometry(kernelSize: conv.kernelSize, stride: conv.stride,
                                                      padding: conv.padding, dilation: conv.dilation))
        default:
            throw LayerwiseError.invalidArgument(
                "parameter '\(entry.name)' belongs to a \(type(of: entry.owner)); layer-wise pruning handles the "
                    + "weights of Linear and Conv2d layers only (exclude it from the selection)")
        }
        rows = shape[0]
        columns = shape.dropFirst().reduce(1, *)
    }

    /// The current weights.
    public var weights: Tensor { entry.variable.value }
}
