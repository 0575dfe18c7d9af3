import Testing

/// Runs `body`, expects it to throw, and checks that the error's message contains every fragment.
public func expectThrows(_ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch {
        let message = "\(error)"
        for fragment in fragments {
            #expect(message.contains(fragment), "'\(message)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    }
}
