/// The dimensions a rating is aggregated by. None of them is ever a person: the smallest unit
/// is a department, as the policy requires ("not for punishment or defamation").
public enum Dimension: String, Hashable, Sendable, Codable, CaseIterable {
    case department, channel, segment, service, language
}

/// A contact channel from the policy: service offices, telephone, social media, letters, website.
public struct Channel: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var names: LocalizedText

    public init(id: String, names: LocalizedText) {
        self.id = id
        self.names = names
    }
}

/// A group of beneficiaries: Hajj pilgrims, Umrah performers, donors, volunteers, internal departments.
public struct Segment: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var names: LocalizedText

    public init(id: String, names: LocalizedText) {
        self.id = id
        self.names = names
    }
}

/// A service a department provides; its id is unique within the department.
public struct Service: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var names: LocalizedText

    public init(id: String, names: LocalizedText) {
        self.id = id
        self.names = names
    }
}

/// A department that serves beneficiaries, with its catalogue of services.
public struct Department: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var names: LocalizedText
    public var services: [Service]

    public init(id: String, names: LocalizedText, services: [Service]) {
        self.id = id
        self.names = names
        self.services = services
    }
}

/// A role that can own an improvement action (`seeds/owners.yaml`): a function in the
/// organisation, never a person, as the policy ranks no staff member.
public struct OwnerRole: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var names: LocalizedText

    public init(id: String, names: LocalizedText) {
        self.id = id
        self.names = names
    }
}
