import Foundation
import Testing

extension CommandLineTests {
    /// `rida apikey create --department D` (repeatable) limits an issuing key to configured
    /// departments; `apikey list` shows them.
    @Test func anIssuingKeyCanBeLimitedToConfiguredDepartments() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let unknown = try await rida(["apikey", "create", "--db", db, "--name", "desk", "--role", "issuer", "--department", "nowhere"])
        #expect(unknown.status != 0)
        #expect(unknown.error.contains("there is no department \"nowhere\""), "\(unknown.error)")
        let analyst = try await rida(["apikey", "create", "--db", db, "--name", "desk", "--role", "analyst", "--department", "registration"])
        #expect(analyst.status != 0)
        #expect(analyst.error.contains("only for --role issuer or admin"), "\(analyst.error)")
        let created = try await rida([
            "apikey", "create", "--db", db, "--name", "desk", "--role", "issuer", "--department", "registration", "--department", "social-research",
        ])
        #expect(created.status == 0, "\(created.error)")
        #expect(created.output.hasPrefix("rida_"))
        let listed = try await rida(["apikey", "list", "--db", db])
        #expect(listed.output.contains("desk\tissuer\tdepartments registration,social-research\t"), "\(listed.output)")
    }
}
