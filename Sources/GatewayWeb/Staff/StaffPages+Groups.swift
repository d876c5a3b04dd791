import Foundation
import GatewayCore
import GatewayServices
import Hummingbird

/// The group courses page (issue 10; §101a stk. 8, QS 3.5, 4.4.4): the provider's courses with their
/// meetings and places; a provider's admin creates one (one meeting per line, no JavaScript needed);
/// counsellors give a case a place and record attendance per meeting.
struct GroupsPage {
    struct Course {
        let id: String
        let service: String
        let seated: String
        let meetings: [Meeting]
    }
    struct Meeting { let number: Int; let label: String }
    struct ServiceChoice { let id: String; let name: String; let selected: Bool }
    let courses: [Course]
    let hasCourses: Bool
    let mayCreate: Bool
    let services: [ServiceChoice]
    let seats: String
    let meetingsText: String
    let error: String?
    let notice: String?
}

extension StaffPages {
    @Sendable func groupsPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        try await renderGroups(context.session, form: FormBody(), error: nil, notice: nil, status: .ok)
    }

    func renderGroups(_ session: StaffSession, form: FormBody, error: String?, notice: String?, status: HTTPResponse.Status) async throws -> Response {
        let courses = try await run { () async throws(ServiceError) in try await cases.courses(for: session.staff) }
        let configuration = cases.configuration
        let provider = configuration.provider(session.staff.member.providerId)
        let groupServices = (provider?.services ?? []).compactMap(configuration.service).filter { GroupCourses.maximumMeetings($0.sessionLimit) != nil }
        let page = GroupsPage(
            courses: courses.map { course in
                GroupsPage.Course(
                    id: course.id, service: configuration.service(course.serviceId)?.name.da ?? course.serviceId.rawValue,
                    seated: texts.text(.staffGroupSeated, .da, ["seated": String(course.seated), "seats": String(course.seats)]),
                    meetings: course.meetings.map { GroupsPage.Meeting(number: $0.number, label: texts.appointment($0.day, $0.start, $0.end, .da)) })
            },
            hasCourses: !courses.isEmpty,
            mayCreate: session.staff.may(.manageGroups) && !groupServices.isEmpty,
            services: groupServices.map { GroupsPage.ServiceChoice(id: $0.id.rawValue, name: $0.name.da, selected: form["serviceId"] == $0.id.rawValue) },
            seats: form["seats"] ?? "", meetingsText: form["meetings"] ?? "", error: error, notice: notice)
        return render("staffGroups", page, session: session, status: status)
    }

    /// "2026-12-01 16:00 150", one per line; a line that does not read so is refused as a whole.
    static func meetingLines(_ text: String?) -> [GroupMeetingInput]? {
        guard let text else { return nil }
        var result: [GroupMeetingInput] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
            let parts = line.split(whereSeparator: \.isWhitespace)
            guard parts.count == 3, let minutes = Int(parts[2]) else { return [GroupMeetingInput(date: nil, start: nil, minutes: nil)] }
            result.append(GroupMeetingInput(date: String(parts[0]), start: String(parts[1]), minutes: minutes))
        }
        return result
    }

    /// Runs a step and shows the page again: with the notice, or with the problem and what was typed.
    func groupStep(_ session: StaffSession, form: FormBody, created: Bool = false,
                   _ step: () async throws(ServiceError) -> String) async throws -> Response {
        let notice: String
        do { notice = try await run(step) } catch {
            return try await renderGroups(session, form: form, error: texts.detail(error, .da), notice: nil, status: error.status)
        }
        return try await renderGroups(session, form: FormBody(), error: nil, notice: notice, status: created ? .created : .ok)
    }

    @Sendable func createCourseOnPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        return try await groupStep(context.session, form: form, created: true) { () async throws(ServiceError) in
            _ = try await cases.createCourse(service: form["serviceId"], seats: form["seats"].flatMap { Int($0) },
                                             meetings: Self.meetingLines(form["meetings"]), by: context.staff)
            return texts.text(.staffGroupCreated, .da)
        }
    }

    @Sendable func seatOnPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let courseId = context.parameters.get("courseId") ?? ""
        return try await groupStep(context.session, form: FormBody()) { () async throws(ServiceError) in
            _ = try await cases.seat(try cases.caseCode(form["caseCode"]), inCourse: courseId, by: context.staff)
            return texts.text(.staffGroupSeatDone, .da)
        }
    }

    @Sendable func attendOnPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let courseId = context.parameters.get("courseId") ?? ""
        return try await groupStep(context.session, form: FormBody()) { () async throws(ServiceError) in
            let result = try await cases.attend(try cases.caseCode(form["caseCode"]), course: courseId,
                                                meeting: form["meeting"].flatMap { Int($0) } ?? 0, by: context.staff)
            let limit = cases.configuration.service(result.anonymousCase.serviceId)?.sessionLimit ?? .conversations(0)
            return texts.text(.staffGroupAttendDone, .da, ["progress": staffTexts.progress(of: result, limit: limit).1.da])
        }
    }
}
