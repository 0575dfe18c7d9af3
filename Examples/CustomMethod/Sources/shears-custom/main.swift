// The full `shears` command line with this package's method and constraint: `shears-custom methods` lists
// `grad-saliency` beside the built-ins, every command (compare, prune, …) accepts it, and `--constraint row-balanced`
// (or `pattern: row-balanced` in an experiment file) selects the constraint. `swift package new-pruning-method NAME`
// adds a method module and registers it in the list below.
import Foundation
import GradientSaliencyPruning
import RowBalancedConstraint
import Shears
import ShearsCommandLine

let catalog: ShearsCatalog
do {
    catalog = try ShearsCatalog.builtIn.adding(methods: [
        GradientSaliencyPruning.registration,
        // new-pruning-method: registrations above this line
    ], constraints: [RowBalancedConstraint.registration])
} catch {
    // Only a name clash lands here: a method or constraint of this package has the name of one already registered.
    FileHandle.standardError.write(Data("shears-custom: \(error)\n".utf8))
    exit(1)
}
ShearsCommand.main(catalog: catalog)
