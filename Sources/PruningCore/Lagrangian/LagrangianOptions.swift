/// The options ADMM and SLR share, parsed from method options with the papers' defaults.
public struct LagrangianOptions: Equatable, Sendable {
    /// The penalty ρ and how it grows.
    public var rho: RhoSchedule
    /// How often Z and the multipliers are updated.
    public var updateInterval: UpdateInterval

    /// Creates options.
    public init(rho: RhoSchedule, updateInterval: UpdateInterval) {
        self.rho = rho
        self.updateInterval = updateInterval
    }

    /// The option descriptions both methods list.
    public static let descriptions: [MethodOption] = [
        MethodOption("rho", "the quadratic penalty ρ", default: "0.1"),
        MethodOption("rho-schedule", "constant, or geometric:FACTOR[:CAP] (ρ × FACTOR after every update)", default: "constant"),
        MethodOption("update-every", "how often Z and Λ are updated: N or Ne epochs, Nb batches", default: "1"),
    ]

    /// Reads the shared options.
    public init(_ options: MethodOptions) throws {
        let initialRho = try options.double("rho", default: 0.1)
        rho = try RhoSchedule.parse(options.string("rho-schedule", default: "constant"), initial: initialRho)
        updateInterval = try UpdateInterval.parse(options.string("update-every", default: "1"))
    }

    /// The settings as text, for reports.
    public var summary: [String: String] {
        ["rho": String(rho.initial), "rho-schedule": rho.description, "update-every": updateInterval.description]
    }
}
