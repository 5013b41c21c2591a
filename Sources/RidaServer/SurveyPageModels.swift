import Foundation
import RidaCore

/// What the beneficiary's templates are given: the questionnaire as numbered questions with
/// scales of one row each, and around every page the organisation, the language switcher and
/// the page's language and direction.
struct SurveyPageModels {
    let configuration: SeedConfiguration

    func text(_ key: MessageKey, _ language: String) -> String {
        configuration.messages[key.rawValue]?.text(in: language) ?? ""
    }

    func direction(_ code: String) -> String {
        configuration.language(code)?.direction.rawValue ?? "ltr"
    }

    /// What every page shows: its language, direction, the organisation and the switcher's entries.
    private func frame(_ language: String, _ languages: [String]) -> [String: Any] {
        let entries: [[String: Any]] = languages.compactMap { code in
            guard let declared = configuration.language(code) else { return nil }
            return ["code": code, "name": declared.name, "dir": declared.direction.rawValue, "current": code == language]
        }
        var model: [String: Any] = [
            "lang": language, "dir": direction(language), "languageLabel": text(.surveyLanguage, language),
            "languages": entries, "hasLanguages": entries.count > 1,
        ]
        if let organisation = configuration.organisation {
            model["organisation"] = organisation.names.text(in: language)
            if let logo = organisation.logo { model["logo"] = logo }
        }
        return model
    }

    func messageModel(
        _ title: MessageKey, _ body: MessageKey?, _ extra: MessageKey?, _ language: String, _ languages: [String], query: String, kiosk: String? = nil
    ) -> [String: Any] {
        var model = frame(language, languages)
        // On a kiosk every end page goes back to a fresh form after a few seconds.
        if let kiosk { model["kiosk"] = "/k/\(kiosk)" }
        model["title"] = text(title, language)
        model["body"] = body.map { text($0, language) } ?? ""
        if let extra { model["extra"] = text(extra, language) }
        model["query"] = query
        return model
    }

    func formModel(
        _ invitation: InvitationDetails, _ language: String, _ values: [String: [String]], _ errors: [String: FieldError], kiosk: String? = nil
    ) -> [String: Any] {
        let questionnaire = invitation.questionnaire
        func value(_ name: String) -> String { values[name]?.last ?? "" }
        func errorText(_ id: String) -> String? {
            guard let error = errors[id] else { return nil }
            var message = text(error.messageKey, language)
            if case .tooLong(let max) = error { message = message.replacingOccurrences(of: "{max}", with: String(max)) }
            return message
        }
        var summary: [[String: Any]] = []
        let items: [[String: Any]] = questionnaire.items.enumerated().map { index, item in
            let number = String(index + 1)
            let error = errorText(item.id)
            var model: [String: Any] = [
                "id": item.id, "number": number, "text": item.text.text(in: language), "error": error ?? false,
                "requirement": item.required ? text(.surveyRequired, language) : false,
            ]
            // The summary links to the item's first field, as GOV.UK's error summary does.
            if let error { summary.append(["target": "f-\(item.id)", "number": number, "text": item.text.text(in: language), "error": error]) }
            switch item.kind {
            case .rating:
                guard let scale = item.scale else { return model }
                model["rating"] = true
                // The numbers are shown; a point's label (all of them on a labelled scale, the ends
                // on the 0–10 one) is its accessible name, and the ends' labels sit under the ends.
                model["options"] = scale.points.map { point -> [String: Any] in
                    [
                        "name": item.id, "value": String(point), "label": scale.labels[point]?.text(in: language) ?? false,
                        "checked": value(item.id) == String(point), "required": item.required, "first": point == scale.min,
                    ]
                }
                model["points"] = String(scale.points.count)
                model["lowLabel"] = scale.labels[scale.min]?.text(in: language) ?? ""
                model["highLabel"] = scale.labels[scale.max]?.text(in: language) ?? ""
                if item.allowsNotApplicable {
                    model["notApplicable"] = [
                        "name": item.id, "value": SubmissionValidator.notApplicableValue, "label": text(.surveyNotApplicable, language),
                        "checked": value(item.id) == SubmissionValidator.notApplicableValue,
                    ]
                }
            case .text:
                model["freeText"] = true
                model["maxLength"] = String(item.maxLength ?? 1000)
                model["value"] = value(item.id)
            case .contact:
                model["contact"] = true
                model["yes"] = value(item.id) == "yes"
                model["no"] = value(item.id) == "no"
                model["yesLabel"] = text(.surveyContactYes, language)
                model["noLabel"] = text(.surveyContactNo, language)
                model["phoneLabel"] = text(.surveyContactPhone, language)
                model["emailLabel"] = text(.surveyContactEmail, language)
                // Kept as typed, but without direction marks or zero-width characters, which would
                // show the number in another order than it reads (and are refused).
                model["phone"] = SubmissionValidator.withoutHiddenCharacters(value("\(item.id)-phone"))
                model["email"] = SubmissionValidator.withoutHiddenCharacters(value("\(item.id)-email"))
            }
            return model
        }
        var model = frame(language, configuration.offeredLanguages(of: questionnaire))
        let title = questionnaire.title.text(in: language)
        model["title"] = title
        // A page re-shown with errors says so first in its title, as a screen reader announces it.
        model["pageTitle"] = errors.isEmpty ? title : "\(text(.surveyErrorTitle, language)): \(title)"
        if let about = about(invitation.unit, language) {
            model["about"] = about
            model["aboutLabel"] = text(.surveyAbout, language)
        }
        model["intro"] = text(.surveyIntro, language).replacingOccurrences(of: "{count}", with: String(questionnaire.items.count))
        model["promise"] = questionnaire.promise.text(in: language)
        model["hasErrors"] = !errors.isEmpty
        model["errorSummary"] = text(.surveyErrorSummary, language)
        model["errors"] = summary
        model["items"] = items
        model["submit"] = text(.surveySubmit, language)
        model["action"] = "?lang=\(language)"
        // A kiosk's form keeps nothing in the browser (no autocomplete) and starts over when left idle.
        if let kiosk { model["kiosk"] = "/k/\(kiosk)" }
        return model
    }

    /// "Department — service" in `language`, from the seeds' names of the invitation's unit.
    private func about(_ unit: ServiceUnit?, _ language: String) -> String? {
        guard let unit, let department = configuration.departments.first(where: { $0.id == unit.department }) else { return nil }
        let name = department.names.text(in: language)
        guard let code = unit.service, let service = department.services.first(where: { $0.id == code }) else { return name }
        return "\(name) — \(service.names.text(in: language))"
    }
}
