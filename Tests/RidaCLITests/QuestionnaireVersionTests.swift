import Foundation
import Testing

extension CommandLineTests {
    /// A copy of the shipped seeds in a fresh directory, to edit.
    static func editableSeeds() throws -> URL {
        let directory = try temporaryDirectory().appendingPathComponent("seeds")
        try FileManager.default.copyItem(at: shippedSeeds, to: directory)
        return directory
    }

    /// A stored version whose meaning a file changes is refused at start, naming the file and
    /// telling to add a version; a wording fix in the same file is accepted.
    @Test func initRefusesAChangedMeaningAndAcceptsAWordingFix() async throws {
        let seeds = try Self.editableSeeds()
        let db = seeds.deletingLastPathComponent().appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", seeds.path]).status == 0)
        let file = seeds.appendingPathComponent("questionnaires/default-v1.yaml")
        let original = try String(contentsOf: file, encoding: .utf8)

        // Another 1–5 scale for an agreement item.
        let rescaled = original.replacingOccurrences(of: "  - id: courtesy\n    type: rating\n    scale: agreement-5", with: "  - id: courtesy\n    type: rating\n    scale: satisfaction-5")
        #expect(rescaled != original)
        try rescaled.write(to: file, atomically: true, encoding: .utf8)
        for command in [["init"], ["analyze", "check"]] {
            let refused = try await rida(command + ["--db", db, "--seeds", seeds.path])
            #expect(refused.status != 0, "\(command)")
            #expect(refused.error.contains("questionnaires/default-v1.yaml"), "\(refused.error)")
            #expect(refused.error.contains("item courtesy changed scale (agreement-5 → satisfaction-5)"), "\(refused.error)")
            #expect(refused.error.contains("version 2"), "\(refused.error)")
        }

        // The English labels of a scale reversed: same points, same scale id.
        let reversed = original.replacingOccurrences(of: "en: Very dissatisfied", with: "en: PLACEHOLDER")
            .replacingOccurrences(of: "en: Very satisfied", with: "en: Very dissatisfied")
            .replacingOccurrences(of: "en: PLACEHOLDER", with: "en: Very satisfied")
        try reversed.write(to: file, atomically: true, encoding: .utf8)
        let refused = try await rida(["init", "--db", db, "--seeds", seeds.path])
        #expect(refused.status != 0)
        #expect(refused.error.contains("label of point"), "\(refused.error)")

        // A corrected translation is wording.
        let reworded = original.replacingOccurrences(of: "en: Very dissatisfied", with: "en: Very unsatisfied")
        try reworded.write(to: file, atomically: true, encoding: .utf8)
        let accepted = try await rida(["init", "--db", db, "--seeds", seeds.path])
        #expect(accepted.status == 0, "\(accepted.error)")
    }
}
