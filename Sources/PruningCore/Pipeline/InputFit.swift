import Datasets
import NeuralNetworks
import TensorEngine

/// Checks, before anything trains or evaluates, that a data set's images are what a model takes; the layers
/// themselves trap on a mismatch (a Linear layer fed the wrong width), and a convolutional model may accept
/// another size without a word.
public enum InputFit {
    /// Throws unless every split holds images and they are [C, H, W] = the model's input shape.
    /// - Parameters:
    ///   - data: The splits (their names, e.g. `fashion-mnist/train`, appear in the message).
    ///   - model: The model, built for the data set's channels and side.
    ///   - source: Where the data came from (a folder or file), for the message; nil leaves it out.
    public static func check(_ data: DatasetSplits, fit model: Model, source: String? = nil) throws {
        for split in [data.train, data.test] where split.count == 0 {
            throw PruningError.invalidOption("\(split.name)\(source.map { " (\($0))" } ?? "") holds no images; training and evaluation need at least one")
        }
        for split in [data.train, data.test] where split.imageShape != model.inputShape {
            let square = split.height == split.width ? ""
                : "; the zoo models take square images (height = width)"
            throw PruningError.invalidOption(
                "the images of \(split.name)\(source.map { " (\($0))" } ?? "") have shape [C, H, W] = \(describeShape(split.imageShape)); model \(model.name) expects \(describeShape(model.inputShape))\(square)")
        }
    }
}
