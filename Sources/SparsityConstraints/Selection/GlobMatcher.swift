/// Shell-style wildcard matching over whole names: `*` matches any run of characters (dots included, so
/// `layer*.conv*.weight` matches `layer1.0.conv1.weight`), `?` exactly one; everything else is literal.
enum GlobMatcher {
    /// Whether `pattern` matches all of `text`.
    /// - Parameters:
    ///   - pattern: The glob.
    ///   - text: The name.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern)
        let text = Array(text)
        // Greedy two-pointer match with backtracking to the last `*`: linear in practice, no recursion.
        var p = 0
        var t = 0
        var starPattern = -1
        var starText = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t])) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                starPattern = p
                starText = t
                p += 1
            } else if starPattern >= 0 {
                // Let the last `*` swallow one more character and retry.
                p = starPattern + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
