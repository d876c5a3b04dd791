import Foundation
import GatewayCore

/// Every key of the page sentences. Code names a sentence only through this enum; the catalog
/// files (`Resources/Text/<language>.json`) must hold every key — `TextCatalog.load` refuses to
/// start otherwise, and a test checks that each template names only keys that exist.
enum TextKey: String, CaseIterable, Sendable {
    case age1417 = "age.14-17"
    case age1824 = "age.18-24"
    case age25Plus = "age.25-plus"
    case ageUnder14 = "age.under-14"
    case ageQuestion
    case appointment
    case back
    case book
    case bookingHeading
    case brand
    case bringReference
    case calendar
    case calendarNote
    case cancel
    case cancelConfirm
    case cancelMustConfirm
    case cancelledHeading
    case cancelledText
    case chooseAnotherService
    case chooseService
    case companion
    case companionLabel
    case confirmHeading
    case `continue`
    case dayLabel
    case detailsHeading
    case detailsIntro
    case done
    case doneHeading
    case doneText
    case enrolledQuestion
    case errorHeading
    case find
    case footer
    case hours
    case howToChange
    case interpreter
    case interpreterLabel
    case laterTimes
    case manageHeading
    case manageLink
    case message
    case messageHint
    case messageLabel
    case minutes
    case month1 = "month.1"
    case month10 = "month.10"
    case month11 = "month.11"
    case month12 = "month.12"
    case month2 = "month.2"
    case month3 = "month.3"
    case month4 = "month.4"
    case month5 = "month.5"
    case month6 = "month.6"
    case month7 = "month.7"
    case month8 = "month.8"
    case month9 = "month.9"
    case move
    case moveButton
    case moveHeading
    case movedHeading
    case movedText
    case mustConfirmSaved
    case no
    case noTimes
    case `none`
    case phone
    case place
    case placesFreeMany
    case placesFreeOne
    case `print`
    case questionsHeading
    case questionsIntro
    case quickExit
    case receiptHeading
    case referenceOnce
    case referralHeading
    case referralIntro
    case savedCheckbox
    case service
    case siteTitle
    case skip
    case startAgain
    case startHeading
    case startIntro
    case substanceAlcohol = "substance.alcohol"
    case substanceCannabis = "substance.cannabis"
    case substanceCocaine = "substance.cocaine"
    case substanceOpioids = "substance.opioids"
    case substanceOther = "substance.other"
    case substancePartyDrugs = "substance.party-drugs"
    case substanceQuestion
    case supportQuestion
    case time
    case timesHeading
    case timesIntro
    case today
    case tokenHint
    case tokenLabel
    case tomorrow
    case weekdayFriday = "weekday.friday"
    case weekdayMonday = "weekday.monday"
    case weekdaySaturday = "weekday.saturday"
    case weekdaySunday = "weekday.sunday"
    case weekdayThursday = "weekday.thursday"
    case weekdayTuesday = "weekday.tuesday"
    case weekdayWednesday = "weekday.wednesday"
    case yes
    case yourReference
    // The staff pages (Danish only today, kept in the catalog like every other sentence)
    case staffWishInterpreter
    case staffWishCompanion
    case staffWishMessage
    case staffCheckedIn
    case staffBooked
    case staffToday
    case staffCaseOpen
    case staffCaseClosed
    case staffOpenCaseLabel
    case staffReferredFrom
    case staffNextBooked
    case staffFollowUpToken
    case staffPhoneBooked
    case staffHandedOver
    case staffHandedOverText
    // Problems: the sentence of every refusal, and how each field is named in a sentence
    case problemMissingField
    case problemTokenTypo
    case problemTokenMissing
    case problemEnterReference
    case problemNotAForm
    case problemConflictingValues
    case problemTokenUnknown
    case problemBookingCancelled
    case problemTokenUsed
    case problemSlotFull
    case problemUnknownService
    case problemUnknownSlot
    case problemSlotServiceMismatch
    case problemMalformedJSON
    case problemEmptyJSON
    case problemNotAnObject
    case problemWrongTypeBool
    case problemWrongTypeText
    case problemWrongTypeList
    case problemWrongTypeOther
    case problemWrongValue
    case problemBodyTooLarge
    case problemUnsupportedMediaType
    case problemCrossSite
    case problemBookingFormExpired
    case alreadyBookedHeading
    case alreadyBookedText
    case alreadyBookedLookUp
    case forgetButton
    case forgetHeading
    case forgetText
    case forgetKeeps
    case forgetConfirm
    case forgetNow
    case forgetKeepBooking
    case forgetMustConfirm
    case forgottenHeading
    case forgottenText
    case problemNotFound
    case problemMethodNotAllowed
    case problemTooManyFields
    case problemInvalidEncoding
    case problemClientError
    case problemRateLimited
    case problemTemporarilyUnavailable
    case problemNotEligibleTooYoung
    case problemNotEligibleTooOld
    case problemNotEligibleOpioids
    case problemNotEligibleSubstance
    case problemNotEligibleOtherSupport
    case problemNotEligibleEnrolled
    case problemSubstancesRequired
    case problemOtherSupportRequired
    case problemEnrolledRequired
    case problemSlotOtherProvider
    case problemCheckInTokenExpired
    case problemCheckInTokenUsed
    case problemNotToday
    case problemSignInFailed
    case problemSignInDelayed
    case problemOneOf
    case problemMaxLength
    case problemShortLine
    case problemIsoDate
    case problemWholeNumber
    case problemRange
    case problemWithinHorizon
    case problemNotBefore
    case problemIsoMonth
    case problemPASProvider
    case problemDischargeReason
    case problemCarryShape
    case problemCaseClosed
    case guidanceIdentifiedEnrolment
    case guidanceConsentAndApproval
    case problemDecisionOnlyForPAS
    case problemClarifyingNotHeld
    case problemAlreadyDecided
    case problemNotesDestroyed
    case problemNoBookedSession
    case problemSessionNotStarted
    case problemConsentRequired
    case problemCarryLinksBack
    case problemServiceNotOffered
    case problemAgeBandNotServed
    case problemSlotElsewhere
    case problemUnknownCase
    case problemSignInRequired
    case problemForbidden
    case problemCSRF
    case problemInvalidForm
    case problemCarryTooLong
    case fieldAgeBand = "field.ageBand"
    case fieldSubstances = "field.substances"
    case fieldMessage = "field.message"
    case fieldText = "field.text"
    case fieldReason = "field.reason"
    case fieldInterpreterLanguage = "field.interpreterLanguage"
    case fieldDays = "field.days"
    case fieldFrom = "field.from"
    case fieldDate = "field.date"
    case fieldOutcome = "field.outcome"
    case fieldReferralProviderId = "field.referralProviderId"
    case fieldCarry = "field.carry"
    case fieldCaseCode = "field.caseCode"
    // Staff: progress, phases, the decision letter
    case staffOneLeft
    case staffProgressConversation
    case staffProgressMeeting
    case staffProgressCourse
    case staffPhaseClarifying
    case staffPhaseGroup
    case staffPhaseConcluding
    case staffPhaseCounselling
    case letterGranted
    case letterGrantedAt
    case letterRefused
    case letterRefusedAt
    case letterNoAppeal
    case letterCitizensAdvisor
    case letterPhone
    // Staff templates: the layout, signing in and the day's schedule
    case staffSiteTitle
    case staffBrand
    case staffTodaysProgramme
    case staffPhoneBooking
    case staffFigures
    case staffFiguresIntro
    case staffFiguresPeriod
    case staffFromMonth
    case staffToMonth
    case staffMonth
    case staffChartActivity
    case staffChartGuarantee
    case staffChartOutcomes
    case staffChartOutcomesShare
    case staffChartOutcomesCaption
    case staffChartTarget
    case staffChartDischarges
    case staffSeriesBookings
    case staffSeriesSessions
    case staffSeriesStraks
    case staffSeries14Days
    case staffSeriesLater
    case staffSeriesDischarged
    case staffSeriesTransferred
    case staffDischargeOutcome
    case staffOutcomeDrugFree
    case staffOutcomeReduced
    case staffOutcomeUnchanged
    case staffOutcomeUnknown
    case staffAccessLog
    case staffAccessLogIntro
    case staffAccessLogFilter
    case staffAccessLogShow
    case staffStaffMember
    case staffFromDay
    case staffToDay
    case staffCaseCodeOptional
    case staffDay
    case staffAction
    case staffNoEntries
    case staffEntriesCount
    case staffSignOut
    case staffSignIn
    case staffUsername
    case staffPassword
    case staffOneTimeCode
    case staffToTodaysProgramme
    case staffProgramme
    case staffCheckIn
    case staffCitizensReference
    case staffWalkIn
    case staffAgeGroup
    case staffChooseAgeOptional
    case staffWalkInToken
    case staffCheckInWalkIn
    case staffOpenCases
    case staffNoOpenCases
    case staffBookingsOn
    case staffStatus
    case staffCase
    case staffWishes
    case staffNoBookings
    // Staff templates: a case — notes, the next session, the decision, closing and handing over
    case staffOpened
    case staffDecision
    case staffReason
    case staffNotes
    case staffNotesDestroyed
    case staffNewNote
    case staffSaveNote
    case staffNextTime
    case staffChooseTime
    case staffBookWithNewReference
    case staffFollowUpButton
    case staffNoShow
    case staffDecisionHeading
    case staffOutcome
    case staffGranted
    case staffRefused
    case staffReferTo
    case staffShareNotes
    case staffMakeDecision
    case staffCloseCaseHeading
    case staffDischargeReason
    case staffDischargeCompleted
    case staffDischargeOtherOffer
    case staffDischargeHospital
    case staffDischargeOther
    case staffClose
    case staffHandoverHeading
    case staffHandoverIntro
    case staffCarryLabel
    case staffParentalConsent
    case staffCaseworkerApproval
    case staffHandOver
    // Staff templates: phone booking and the new reference
    case staffPhoneHeading
    case staffPhoneIntro
    case staffChoose
    case staffSubstancesPAS
    case staffOtherSupportPAS
    case staffInterpreterLanguage
    case staffCompanionComing
    case staffBookWithReference
    case staffNewReferenceHeading
    case staffTokenShownOnce
    case staffBackToCase
    case staffNewPhoneBooking
    // Complaints (QS 6): the citizen's page and the staff list
    case problemUnknownComplaint
    case complaintLink
    case complaintHeading
    case complaintIntro
    case complaintRoutesHeading
    case complaintRouteStaff
    case complaintRouteAdvisor
    case complaintRouteDecision
    case complaintProviderLabel
    case complaintProviderHint
    case complaintChooseProvider
    case complaintAboutLabel
    case complaintAboutTreatment
    case complaintAboutStaff
    case complaintAboutService
    case complaintAboutDecision
    case complaintTextLabel
    case complaintTextHint
    case complaintTokenLabel
    case complaintTokenHint
    case complaintSend
    case complaintSentHeading
    case complaintSentText
    case staffComplaints
    case staffComplaintsIntro
    case staffComplaintsShow
    case staffComplaintsOpen
    case staffComplaintsHandled
    case staffComplaintsAll
    case staffComplaintsNone
    case staffComplaintReceived
    case staffComplaintAbout
    case staffComplaintPlace
    case staffComplaintText
    case staffComplaintState
    case staffComplaintMarkHandled
    case staffComplaintHandledOn
    case staffComplaintIsOpen
    case staffChartComplaints
    case fieldAbout = "field.about"
    case fieldProviderId = "field.providerId"
    case fieldServiceId = "field.serviceId"
    // Follow-up after discharge (QS 3.2)
    case problemFollowUpNotYet
    case problemFollowUpOver
    case problemFollowUpAnswered
    case problemFollowUpNoConversation
    case problemNotAFollowUpToken
    case fieldUse = "field.use"
    case fieldWantsConversation = "field.wantsConversation"
    case followUpHeading
    case followUpIntro
    case followUpRoundOneMonth
    case followUpRoundSixMonths
    case followUpUseQuestion
    case followUpUseNone
    case followUpUseLess
    case followUpUseSame
    case followUpUseMore
    case followUpConversationQuestion
    case followUpConversationHint
    case followUpSend
    case followUpThanksHeading
    case followUpNextHeading
    case followUpNextText
    case followUpChooseTime
    case followUpNotYetText
    case staffCloseFollowUp
    case staffFollowUpAfterDischarge
    case staffFollowUpOpensOn
    case staffChartFollowUp
    case staffChartFollowUpCaption
    case staffSeriesFollowUpOneMonth
    case staffSeriesFollowUpSixMonths
    case staffSeriesReturnShare
    case staffSeriesDischargedDrugFree
    case staffChartTargetAtMost
    case staffDownloadCSV
    case staffSeriesCoursesStarted
    case staffSeriesCoursesCompleted
    // The decision in writing (QS 3.1, 3.4; §101a stk. 4–6)
    case letterReason
    case letterAddress
    case letterFreeChoice
    case decisionHeading
    case decisionIntro
    case staffReasonShownToCitizen
    // What every citizen is told (QS 2.1, 2.2, 2.5, 3.4, 4.4)
    case aboutHelpHeading
    case aboutHelpFree
    case aboutHelpCall
    case anonymityLink
    case anonymityHeading
    case anonymityIntro
    case anonymityChildren
    case anonymityMedical
    case anonymityEnrolment
    case anonymityWhatWeKeep
    case servicePasFirst = "service.pas.first"
    case serviceUturnFirst = "service.uturn.first"
    case serviceUturnParentsFirst = "service.uturn-parents.first"
    case serviceRelativesFirst = "service.relatives.first"
    case freeChoiceHeading
    case freeChoiceText
    case freeChoiceByPhone
    case uturnAlsoForYou
    case uturnInstead
    case receiptComplaints
    case receiptComplaintsLink
    case and
    case problemNotEligibleYoungRelative
    // Interpreter languages and kept requests (seed 000, QS 3)
    case interpreterNone = "interpreter.none"
    case interpreterArabisk = "interpreter.arabisk"
    case interpreterUrdu = "interpreter.urdu"
    case interpreterTyrkisk = "interpreter.tyrkisk"
    case interpreterSomali = "interpreter.somali"
    case interpreterFarsi = "interpreter.farsi"
    case interpreterKurdisk = "interpreter.kurdisk"
    case interpreterTigrinya = "interpreter.tigrinya"
    case interpreterPolsk = "interpreter.polsk"
    case interpreterEngelsk = "interpreter.engelsk"
    case interpreterTegnsprog = "interpreter.tegnsprog"
    case interpreterOther = "interpreter.other"
    case interpreterOtherLabel
    case requestsHeading
    case requestsIntro
    case requestsSave
    case requestsSaved

    // Places booked by phone until their address is known; the way in (issue 10)
    case problemBookedByPhone
    case placeBookedByPhone
    case bookedByPhoneHeading
    case wayIn

    // The page for families (seed 000: families often lack knowledge about addiction); the accessibility statement; the language choice (issue 10)
    case familiesLink
    case familiesHeading
    case familiesIntro
    case familiesWhatHeading
    case familiesWhatText
    case familiesSignsHeading
    case familiesSign1
    case familiesSign2
    case familiesSign3
    case familiesSign4
    case familiesSignsCaution
    case familiesFreeHeading
    case familiesFreeText
    case familiesForYouHeading
    case familiesForYouConversations
    case familiesForYouParents
    case familiesForYouGroups
    case familiesForYouLine
    case familiesBookRelatives
    case familiesBookParents
    case familiesInterpreter
    case familiesFaith
    case accessibilityLink
    case languagesLabel

    /// Sentences only staff pages show (Danish and English only).
    var isStaffOnly: Bool { rawValue.hasPrefix("staff") }

    // Group courses, for staff (issue 10; §101a stk. 8, QS 3.5, 4.4.4)
    case staffProblemTimeOfDay
    case staffProblemGroupNotForService
    case staffProblemGroupServiceNotHere
    case staffProblemGroupTooManyMeetings
    case staffProblemGroupMeetingsOrder
    case staffProblemGroupMeetingClockChange
    case staffProblemEnterReference
    case staffProblemGroupFull
    case staffProblemGroupAlreadySeated
    case staffProblemGroupNotSeated
    case staffProblemGroupAlreadyAttended
    case staffProblemGroupNotYet
    case staffProblemGroupUnknownMeeting
    case staffProblemGroupUnknownCourse
    case staffProblemGroupDecisionRequired
    case staffProblemGroupCaseElsewhere

    // The citizen's group course on the lookup page (issue 10)
    case groupCourseHeading
    case groupCourseIntro
    case groupCourseAttended

    // The staff page for group courses (issue 10)
    case staffGroups
    case staffGroupsIntro
    case staffGroupsNone
    case staffGroupCreateHeading
    case staffGroupService
    case staffGroupSeats
    case staffGroupMeetings
    case staffGroupMeetingsHint
    case staffGroupCreate
    case staffGroupCreated
    case staffGroupSeated
    case staffGroupCaseCode
    case staffGroupSeat
    case staffGroupSeatDone
    case staffGroupMeeting
    case staffGroupAttend
    case staffGroupAttendDone

    static func age(_ band: AgeBand) -> TextKey {
        switch band {
        case .under14: .ageUnder14
        case .from14To17: .age1417
        case .from18To24: .age1824
        case .from25: .age25Plus
        }
    }

    static func substance(_ substance: Substance) -> TextKey {
        switch substance {
        case .cannabis: .substanceCannabis
        case .cocaine: .substanceCocaine
        case .partyDrugs: .substancePartyDrugs
        case .opioids: .substanceOpioids
        case .alcohol: .substanceAlcohol
        case .other: .substanceOther
        }
    }

    static func weekday(_ weekday: Weekday) -> TextKey {
        switch weekday {
        case .monday: .weekdayMonday
        case .tuesday: .weekdayTuesday
        case .wednesday: .weekdayWednesday
        case .thursday: .weekdayThursday
        case .friday: .weekdayFriday
        case .saturday: .weekdaySaturday
        case .sunday: .weekdaySunday
        }
    }

    static let months: [TextKey] = [.month1, .month2, .month3, .month4, .month5, .month6, .month7, .month8, .month9, .month10, .month11, .month12]
}
