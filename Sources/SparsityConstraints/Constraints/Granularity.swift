import TensorEngine

/// The unit a sparsity constraint keeps or removes as a whole.
///
/// Structured granularities read a layer as the 2-D view `[out, in·kh·kw]` (rank ≥ 2; PyTorch layouts):
/// - `element`: single weights (unstructured); any rank.
/// - `block(height:width:)`: tiles of the 2-D view. When a side does not divide the view, the blocks on the
///   bottom and right edges are smaller (the tiling is cut at the border) rather than refused, so classifiers
///   with 10 outputs can use 4×4 blocks. A block larger than the view is an error.
/// - `filter`: whole output channels (rows of the view).
/// - `inputChannel`: whole input channels: for `[out, in, kh, kw]` channel c is every `(o, c, y, x)`.
///
/// A group's score is its sum of squares, so keeping the highest-scoring groups is the Euclidean projection onto
/// "at most k groups non-zero".
public enum Granularity: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Single weights.
    case element
    /// Tiles of `height × width` on the `[out, in·kh·kw]` view.
    case block(height: Int, width: Int)
    /// Whole output channels.
    case filter
    /// Whole input channels.
    case inputChannel

    /// A readable one-line form for logs and messages.
    public var description: String {
        switch self {
        case .element: return "unstructured"
        case .block(let height, let width): return "\(height)x\(width) blocks"
        case .filter: return "filters"
        case .inputChannel: return "input channels"
        }
    }

    /// The singular name of one group, for messages.
    var unitName: String {
        switch self {
        case .element: return "weights"
        case .block: return "blocks"
        case .filter: return "filters"
        case .inputChannel: return "input channels"
        }
    }

    /// Throws when the granularity itself is impossible (a block side below 1).
    func validatePattern() throws {
        if case .block(let height, let width) = self, height < 1 || width < 1 {
            throw ConstraintError.invalidPattern("block \(height)x\(width): both sides must be at least 1")
        }
    }

    /// Throws when `layer` cannot be divided into groups of this granularity.
    func validate(_ layer: LayerShape) throws {
        guard layer.count > 0 else {
            throw ConstraintError.incompatibleLayer("\(layer) has no weights")
        }
        if self == .element { return }
        guard layer.shape.count >= 2 else {
            throw ConstraintError.incompatibleLayer(
                "\(layer): \(unitName) need a weight of rank 2 ([out, in]) or 4 ([out, in, kh, kw]), got rank \(layer.shape.count)")
        }
        if case .block(let height, let width) = self {
            let (rows, columns) = GroupGeometry.view(layer.shape)
            guard height <= rows, width <= columns else {
                throw ConstraintError.incompatibleLayer(
                    "block \(height)x\(width) is larger than \(layer.name), whose [out, in·kh·kw] view is [\(rows), \(columns)]")
            }
        }
    }
}

/// How a layer of a given shape splits into groups, and the loops that score, expand and count them.
struct GroupGeometry {
    let granularity: Granularity
    let shape: [Int]
    /// Rows and columns of the `[out, in·kh·kw]` view.
    let rows: Int
    let columns: Int

    init(_ granularity: Granularity, shape: [Int]) {
        self.granularity = granularity
        self.shape = shape
        (rows, columns) = GroupGeometry.view(shape)
    }

    /// The `[out, rest]` view of a shape (rank 0 and 1 read as one row).
    static func view(_ shape: [Int]) -> (rows: Int, columns: Int) {
        let count = shape.reduce(1, *)
        guard shape.count >= 2, shape[0] > 0 else { return (1, count) }
        return (shape[0], count / shape[0])
    }

    /// Input channels and the spatial size behind each (kh·kw, 1 for linear layers).
    private var channelLayout: (channels: Int, spatial: Int) {
        let channels = shape.count >= 2 ? shape[1] : columns
        return (channels, channels == 0 ? 0 : columns / channels)
    }

    /// Block rows and block columns of the tiling (edge blocks may be smaller).
    private var blockGrid: (height: Int, width: Int, gridRows: Int, gridColumns: Int) {
        guard case .block(let height, let width) = granularity else { return (1, 1, rows, columns) }
        return (height, width, (rows + height - 1) / height, (columns + width - 1) / width)
    }

    /// The number of groups.
    var groupCount: Int {
        switch granularity {
        case .element: return rows * columns
        case .filter: return rows
        case .inputChannel: return channelLayout.channels
        case .block: let grid = blockGrid; return grid.gridRows * grid.gridColumns
        }
    }

    /// Calls `body(group, index)` for every weight in memory order. Scoring, expansion and counting share this one
    /// loop so that they cannot disagree about which weight belongs to which group.
    @inline(__always)
    private func forEachWeight(_ body: (_ group: Int, _ index: Int) -> Void) {
        switch granularity {
        case .element:
            for index in 0..<(rows * columns) { body(index, index) }
        case .filter:
            for row in 0..<rows {
                for column in 0..<columns { body(row, row * columns + column) }
            }
        case .inputChannel:
            let (channels, spatial) = channelLayout
            for row in 0..<rows {
                for channel in 0..<channels {
                    let base = row * columns + channel * spatial
                    for offset in 0..<spatial { body(channel, base + offset) }
                }
            }
        case .block:
            let grid = blockGrid
            for row in 0..<rows {
                let groupRow = (row / grid.height) * grid.gridColumns
                for column in 0..<columns { body(groupRow + column / grid.width, row * columns + column) }
            }
        }
    }

    /// The sum of squares of every group, in Double (also the Euclidean cost of dropping it).
    func groupSquaredNorms(_ weights: UnsafeBufferPointer<Float>) -> [Double] {
        var sums = [Double](repeating: 0, count: groupCount)
        sums.withUnsafeMutableBufferPointer { sums in
            forEachWeight { group, index in
                let value = Double(weights[index])
                sums[group] += value * value
            }
        }
        return sums
    }

    /// Writes 1 to every weight of a kept group and 0 elsewhere.
    func expand(groupFlags: [Float], into mask: UnsafeMutableBufferPointer<Float>) {
        groupFlags.withUnsafeBufferPointer { flags in
            forEachWeight { group, index in mask[index] = flags[group] }
        }
    }

    /// The number of groups with at least one non-zero weight.
    func activeGroupCount(_ weights: UnsafeBufferPointer<Float>) -> Int {
        if granularity == .element { return weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
        var active = [Bool](repeating: false, count: groupCount)
        active.withUnsafeMutableBufferPointer { active in
            forEachWeight { group, index in
                if weights[index] != 0 { active[group] = true }
            }
        }
        return active.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
}
