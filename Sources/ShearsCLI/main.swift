// The `shears` executable: the command line of ShearsCommandLine with the built-in catalog. A package of its own
// gets the same command line with its entries in the same few lines (README, "Your own method in the CLI").
import Shears
import ShearsCommandLine

ShearsCommand.main(catalog: .builtIn)
