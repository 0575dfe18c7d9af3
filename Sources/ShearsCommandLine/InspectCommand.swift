import ArgumentParser
import Foundation
import Shears

/// `shears inspect`: a per-tensor table of a weights or masks file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Per-tensor shape, non-zeros and sparsity of a safetensors file (weights or masks).")

    @Argument(help: "A safetensors file.") var file: String
    @Flag(help: "Print JSON.") var json = false

    struct Row: Codable {
        var name: String
        var dtype: String
        var shape: [Int]
        var count: Int
        var nonZero: Int
        var sparsity: Double
    }

    struct Listing: Codable {
        var file: String
        var tensors: [Row]
        var totalCount: Int
        var totalNonZero: Int
        var sparsity: Double
    }

    func run() throws {
        let contents = try SafeTensors.read(from: URL(fileURLWithPath: file))
        let rows = contents.names.map { name -> Row in
            let stored = contents.tensors[name]!
            let tensor = stored.floatTensor()
            let nonZero = tensor.nonZeroCount
            return Row(name: name, dtype: stored.dtype.rawValue, shape: stored.shape, count: tensor.count, nonZero: nonZero,
                       sparsity: tensor.count == 0 ? 0 : Double(tensor.count - nonZero) / Double(tensor.count))
        }
        let total = rows.reduce(0) { $0 + $1.count }
        let nonZero = rows.reduce(0) { $0 + $1.nonZero }
        let listing = Listing(file: file, tensors: rows, totalCount: total, totalNonZero: nonZero,
                              sparsity: total == 0 ? 0 : Double(total - nonZero) / Double(total))
        if json { try printJSON(listing); return }
        let nameWidth = max(4, rows.map(\.name.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        print(pad("name", nameWidth) + "  " + pad("dtype", 5) + "  " + pad("shape", 18) + "  " + pad("non-zeros", 20) + "  sparsity")
        for row in rows {
            print(pad(row.name, nameWidth) + "  " + pad(row.dtype, 5) + "  " + pad(describeShape(row.shape), 18) + "  "
                  + pad("\(row.nonZero)/\(row.count)", 20) + "  " + String(format: "%.4f", row.sparsity))
        }
        print(pad("total", nameWidth) + "  " + pad("", 5) + "  " + pad("", 18) + "  " + pad("\(nonZero)/\(total)", 20) + "  "
              + String(format: "%.4f", listing.sparsity))
    }
}
