/// The page texts every language must provide (`seeds/messages.yaml`).
public enum MessageKey: String, Hashable, Sendable, CaseIterable {
    case surveyRequired = "survey.required"
    case surveyOptional = "survey.optional"
    case surveyNotApplicable = "survey.notApplicable"
    case surveySubmit = "survey.submit"
    case surveyLanguage = "survey.language"
    case surveyContactYes = "survey.contactYes"
    case surveyContactNo = "survey.contactNo"
    case surveyContactPhone = "survey.contactPhone"
    case surveyContactEmail = "survey.contactEmail"
    case surveyErrorSummary = "survey.errorSummary"
    /// The word that starts the title of a page re-shown with errors ("Error: …").
    case surveyErrorTitle = "survey.errorTitle"
    /// Introduces the department and service the invitation is about.
    case surveyAbout = "survey.about"
    /// Under the title: how many questions (`{count}`), how long, what may be skipped.
    case surveyIntro = "survey.intro"
    /// On the thank-you page when the beneficiary asked to be contacted: when and how.
    case thanksContact = "thanks.contact"
    case expiredTitle = "expired.title"
    case expiredBody = "expired.body"
    case revokedTitle = "revoked.title"
    case revokedBody = "revoked.body"
    case errorRequired = "error.required"
    case errorOutOfRange = "error.outOfRange"
    case errorNotApplicableNotAllowed = "error.notApplicableNotAllowed"
    case errorTooLong = "error.tooLong"
    case errorContactMissing = "error.contactMissing"
    case errorContactInvalid = "error.contactInvalid"
    case errorContactHiddenCharacters = "error.contactHiddenCharacters"
    case thanksTitle = "thanks.title"
    case thanksBody = "thanks.body"
    case alreadyTitle = "already.title"
    case alreadyBody = "already.body"
    case goneTitle = "gone.title"
    case goneBody = "gone.body"
    case notFoundTitle = "notFound.title"
    case notFoundBody = "notFound.body"
    case tooManyTitle = "tooMany.title"
    case tooManyBody = "tooMany.body"
    case unavailableTitle = "unavailable.title"
    case unavailableBody = "unavailable.body"
    case badRequestBody = "badRequest.body"
    case tooLargeBody = "tooLarge.body"
    /// A device that answered at a point of service today, opening or posting another of its links.
    case pointAnsweredTitle = "point.answered.title"
    case pointAnsweredBody = "point.answered.body"
    /// A point of service that no longer takes answers.
    case pointClosedTitle = "point.closed.title"
    case pointClosedBody = "point.closed.body"
    /// `/k/{code}` on a browser that staff have not made the point's kiosk.
    case kioskOffTitle = "kiosk.off.title"
    case kioskOffBody = "kiosk.off.body"
    /// The poster's call and its instruction above the short link.
    case posterCall = "poster.call"
    case posterScan = "poster.scan"
}
