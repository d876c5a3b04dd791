/// The citizen pages' Mustache templates. `{{x}}` is HTML-escaped; `{{{x}}}` is used only for
/// HTML this module rendered itself. Kept in code so a deployed binary needs no resource folder.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "errorBox": errorBox, "hidden": hidden, "start": start, "questions": questions,
        "times": times, "details": details, "confirm": confirm, "receipt": receipt, "done": done,
        "referral": referral, "error": error, "manage": manage, "booking": booking, "cancelled": cancelled,
        "moved": moved,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="{{lang}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <meta name="robots" content="noindex, nofollow">
    <title>{{t.siteTitle}}</title>
    <link rel="stylesheet" href="/static/site.css">
    </head>
    <body>
    <a class="skip" href="#main">{{t.skip}}</a>
    <header class="top">
    <p class="brand">{{t.brand}}</p>
    <nav aria-label="{{t.siteTitle}}">
    {{#switchLink}}<a class="lang" href="{{switchLink}}" lang="{{otherLang}}" hreflang="{{otherLang}}">{{t.otherLanguage}}</a>{{/switchLink}}
    {{#switchForm}}<form class="inline" method="post" action="{{action}}">{{#fields}}<input type="hidden" name="{{name}}" value="{{value}}">{{/fields}}<button class="link" type="submit" lang="{{otherLang}}">{{t.otherLanguage}}</button></form>{{/switchForm}}
    <a class="exit" href="https://www.dr.dk/" rel="noreferrer noopener">{{t.quickExit}}</a>
    </nav>
    </header>
    <main id="main">
    {{{content}}}
    </main>
    <footer><p>{{t.footer}}</p></footer>
    </body>
    </html>
    """

    static let errorBox = """
    {{#error}}<div class="error" role="alert" id="error"><h2>{{t.errorHeading}}</h2><p>{{error}}</p></div>{{/error}}
    """

    static let hidden = """
    {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
    """

    static let start = """
    <h1>{{t.startHeading}}</h1>
    <p>{{t.startIntro}}</p>
    {{>errorBox}}
    <form method="post" action="/book/questions">
    <input type="hidden" name="lang" value="{{lang}}">
    <fieldset>
    <legend>{{t.chooseService}}</legend>
    {{#services}}
    <div class="choice"><input type="radio" id="service-{{id}}" name="service" value="{{id}}" required>
    <label for="service-{{id}}"><strong>{{name}}</strong> <span class="hint">{{summary}}</span></label></div>
    {{/services}}
    </fieldset>
    <button type="submit">{{t.continue}}</button>
    </form>
    <p class="aside"><a href="/booking{{langQuery}}">{{t.manageLink}}</a></p>
    """

    static let questions = """
    <h1>{{t.questionsHeading}}</h1>
    <p><strong>{{serviceName}}</strong></p>
    <p>{{t.questionsIntro}}</p>
    {{>errorBox}}
    <form method="post" action="/book/times">
    {{>hidden}}
    <fieldset>
    <legend>{{t.ageQuestion}}</legend>
    {{#ageBands}}
    <div class="choice"><input type="radio" id="age-{{id}}" name="ageBand" value="{{id}}" required{{#checked}} checked{{/checked}}><label for="age-{{id}}">{{label}}</label></div>
    {{/ageBands}}
    </fieldset>
    {{#asksSubstances}}
    <fieldset>
    <legend>{{t.substanceQuestion}}</legend>
    {{#substances}}
    <div class="choice"><input type="checkbox" id="substance-{{id}}" name="substances" value="{{id}}"{{#checked}} checked{{/checked}}><label for="substance-{{id}}">{{label}}</label></div>
    {{/substances}}
    </fieldset>
    <fieldset>
    <legend>{{t.supportQuestion}}</legend>
    <div class="choice"><input type="radio" id="support-yes" name="otherSupport" value="yes" required{{#supportYes}} checked{{/supportYes}}><label for="support-yes">{{t.yes}}</label></div>
    <div class="choice"><input type="radio" id="support-no" name="otherSupport" value="no" required{{#supportNo}} checked{{/supportNo}}><label for="support-no">{{t.no}}</label></div>
    </fieldset>
    {{/asksSubstances}}
    {{#asksEnrolled}}
    <fieldset>
    <legend>{{t.enrolledQuestion}}</legend>
    <div class="choice"><input type="radio" id="enrolled-yes" name="enrolled" value="yes" required{{#enrolledYes}} checked{{/enrolledYes}}><label for="enrolled-yes">{{t.yes}}</label></div>
    <div class="choice"><input type="radio" id="enrolled-no" name="enrolled" value="no" required{{#enrolledNo}} checked{{/enrolledNo}}><label for="enrolled-no">{{t.no}}</label></div>
    </fieldset>
    {{/asksEnrolled}}
    <button type="submit">{{t.continue}}</button>
    </form>
    <p class="aside"><a href="/{{langQuery}}">{{t.back}}</a></p>
    """

    static let times = """
    <h1>{{heading}}</h1>
    <p><strong>{{serviceName}}</strong> – {{conversation}}, {{minutes}} {{t.minutes}}. {{t.timesIntro}}</p>
    {{>errorBox}}
    {{#hasDays}}
    <form method="post" action="{{action}}">
    {{>hidden}}
    {{#days}}
    <fieldset>
    <legend>{{label}}</legend>
    {{#slots}}
    <div class="choice"><input type="radio" id="slot-{{id}}" name="slot" value="{{id}}" required><label for="slot-{{id}}">{{time}} · {{place}} <span class="hint">({{remaining}})</span></label></div>
    {{/slots}}
    </fieldset>
    {{/days}}
    <button type="submit">{{submitLabel}}</button>
    </form>
    {{/hasDays}}
    {{^hasDays}}<p>{{t.noTimes}}</p>{{/hasDays}}
    {{#later}}
    <form method="post" action="{{laterAction}}">
    {{#laterHidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/laterHidden}}
    <button type="submit" class="secondary">{{t.laterTimes}}</button>
    </form>
    {{/later}}
    """

    static let details = """
    <h1>{{t.detailsHeading}}</h1>
    <p>{{t.detailsIntro}}</p>
    {{>errorBox}}
    <form method="post" action="/book/confirm">
    {{>hidden}}
    <div class="field"><label for="interpreterLanguage">{{t.interpreterLabel}}</label>
    <input type="text" id="interpreterLanguage" name="interpreterLanguage" maxlength="60" autocomplete="off" value="{{interpreterLanguage}}"></div>
    <div class="choice"><input type="checkbox" id="companion" name="companion" value="yes"{{#companion}} checked{{/companion}}><label for="companion">{{t.companionLabel}}</label></div>
    <div class="field"><label for="message">{{t.messageLabel}}</label>
    <textarea id="message" name="message" rows="4" maxlength="1000" autocomplete="off" aria-describedby="message-hint">{{message}}</textarea>
    <p class="hint" id="message-hint">{{t.messageHint}}</p></div>
    <button type="submit">{{t.continue}}</button>
    </form>
    """

    static let summary = """
    <dl class="summary">
    <dt>{{t.service}}</dt><dd>{{serviceName}} – {{conversation}}</dd>
    <dt>{{t.time}}</dt><dd>{{when}}</dd>
    <dt>{{t.place}}</dt><dd>{{placeName}}<br>{{#address}}{{.}}<br>{{/address}}{{#phone}}{{t.phone}}: {{phone}}{{/phone}}</dd>
    <dt>{{t.interpreter}}</dt><dd>{{#interpreterLanguage}}{{interpreterLanguage}}{{/interpreterLanguage}}{{^interpreterLanguage}}{{t.none}}{{/interpreterLanguage}}</dd>
    <dt>{{t.companion}}</dt><dd>{{#companion}}{{t.yes}}{{/companion}}{{^companion}}{{t.no}}{{/companion}}</dd>
    {{#message}}<dt>{{t.message}}</dt><dd class="message">{{message}}</dd>{{/message}}
    </dl>
    """

    static let confirm = """
    <h1>{{t.confirmHeading}}</h1>
    {{>errorBox}}
    \(summary)
    <form method="post" action="/book">
    {{>hidden}}
    <button type="submit">{{t.book}}</button>
    </form>
    """

    static let receipt = """
    <h1>{{t.receiptHeading}}</h1>
    {{>errorBox}}
    <section class="reference" aria-labelledby="reference-heading">
    <h2 id="reference-heading">{{t.yourReference}}</h2>
    <p class="token">{{token}}</p>
    <p><strong>{{t.referenceOnce}}</strong></p>
    </section>
    \(summary)
    <p>{{t.bringReference}}</p>
    <p>{{t.howToChange}}</p>
    <p class="noprint">{{t.print}}</p>
    <form class="noprint" method="post" action="/booking/calendar.ics">
    <input type="hidden" name="slot" value="{{slotId}}">
    <button type="submit" class="secondary">{{t.calendar}}</button> <span class="hint">{{t.calendarNote}}</span>
    </form>
    <form class="noprint" method="post" action="/book/done">
    <input type="hidden" name="lang" value="{{lang}}">
    <input type="hidden" name="token" value="{{token}}">
    <div class="choice"><input type="checkbox" id="saved" name="saved" value="yes" required><label for="saved">{{t.savedCheckbox}}</label></div>
    <button type="submit">{{t.done}}</button>
    </form>
    """

    static let done = """
    <h1>{{t.doneHeading}}</h1>
    <p>{{t.doneText}}</p>
    <p><a href="/{{langQuery}}">{{t.startAgain}}</a></p>
    """

    static let referral = """
    <h1>{{t.referralHeading}}</h1>
    <p>{{reason}}</p>
    <p>{{t.referralIntro}}</p>
    {{#referrals}}
    <section class="referral">
    <h2>{{title}}</h2>
    <p>{{explanation}}</p>
    <p><strong>{{t.hours}}:</strong> {{hours}}</p>
    <ul class="places">
    {{#places}}<li><strong>{{name}}</strong><br>{{#address}}{{.}}<br>{{/address}}{{#phone}}{{t.phone}}: <a href="tel:{{tel}}">{{phone}}</a>{{/phone}}</li>{{/places}}
    </ul>
    </section>
    {{/referrals}}
    <p><a href="/{{langQuery}}">{{t.chooseAnotherService}}</a></p>
    """

    static let error = """
    <h1>{{t.errorHeading}}</h1>
    <div class="error" role="alert"><p>{{detail}}</p></div>
    <p><a href="/{{langQuery}}">{{t.startAgain}}</a> · <a href="/booking{{langQuery}}">{{t.manageLink}}</a></p>
    """

    static let manage = """
    <h1>{{t.manageHeading}}</h1>
    {{>errorBox}}
    <form method="post" action="/booking" autocomplete="off">
    <input type="hidden" name="lang" value="{{lang}}">
    <div class="field"><label for="token">{{t.tokenLabel}}</label>
    <input type="text" id="token" name="token" required maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="token-hint" class="token-input">
    <p class="hint" id="token-hint">{{t.tokenHint}}</p></div>
    <button type="submit">{{t.find}}</button>
    </form>
    <p class="aside"><a href="/{{langQuery}}">{{t.startHeading}}</a></p>
    """

    static let booking = """
    <h1>{{t.bookingHeading}}</h1>
    {{>errorBox}}
    \(summary)
    <form method="post" action="/booking/move">
    <input type="hidden" name="lang" value="{{lang}}">
    <input type="hidden" name="token" value="{{token}}">
    <button type="submit">{{t.move}}</button>
    </form>
    <form method="post" action="/booking/cancel">
    <input type="hidden" name="lang" value="{{lang}}">
    <input type="hidden" name="token" value="{{token}}">
    <div class="choice"><input type="checkbox" id="confirmCancel" name="confirm" value="yes" required><label for="confirmCancel">{{t.cancelConfirm}}</label></div>
    <button type="submit" class="danger">{{t.cancel}}</button>
    </form>
    """

    static let cancelled = """
    <h1>{{t.cancelledHeading}}</h1>
    <p>{{t.cancelledText}}</p>
    <p><a href="/{{langQuery}}">{{t.startHeading}}</a></p>
    """

    static let moved = """
    <h1>{{t.movedHeading}}</h1>
    <p>{{t.movedText}}</p>
    \(summary)
    <form class="noprint" method="post" action="/booking/calendar.ics">
    <input type="hidden" name="slot" value="{{slotId}}">
    <button type="submit" class="secondary">{{t.calendar}}</button> <span class="hint">{{t.calendarNote}}</span>
    </form>
    """

    static let stylesheet = """
    :root { --ink: #1b1b1b; --muted: #555; --accent: #004c99; --error: #a40000; --line: #ccc; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 1.0625rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 2; }
    header.top { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
    .brand { margin: 0; font-weight: 600; }
    nav { display: flex; gap: 1rem; align-items: center; }
    .exit { background: #333; color: #fff; padding: .5rem .75rem; border-radius: .25rem; text-decoration: none; font-weight: 600; }
    main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
    footer { max-width: 40rem; margin: 2rem auto; padding: 1rem; color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); }
    fieldset { border: 1px solid var(--line); border-radius: .25rem; margin: 0 0 1rem; padding: .75rem 1rem; }
    legend { font-weight: 600; padding: 0 .25rem; }
    .choice { display: flex; gap: .5rem; align-items: flex-start; margin: .5rem 0; }
    .choice input { margin-top: .3rem; width: 1.25rem; height: 1.25rem; flex: none; }
    .field { margin: 0 0 1rem; }
    .field label { display: block; font-weight: 600; margin-bottom: .25rem; }
    input[type=text], textarea { width: 100%; font: inherit; padding: .5rem; border: 1px solid #767676; border-radius: .25rem; }
    .token-input { font-family: ui-monospace, monospace; text-transform: uppercase; letter-spacing: .1em; }
    .hint { color: var(--muted); font-size: .95rem; }
    .choice label .hint { display: block; }
    button { font: inherit; font-weight: 600; padding: .6rem 1.2rem; border: 2px solid var(--accent); border-radius: .25rem; background: var(--accent); color: #fff; cursor: pointer; margin: .25rem 0 1rem; }
    button.secondary { background: #fff; color: var(--accent); }
    button.danger { background: var(--error); border-color: var(--error); }
    button.link { background: none; border: none; color: var(--accent); text-decoration: underline; padding: 0; margin: 0; font-weight: normal; }
    form.inline { display: inline; }
    :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
    a { color: var(--accent); }
    .error { border-left: 5px solid var(--error); padding: .5rem 1rem; margin: 0 0 1rem; background: #fff5f5; }
    .error h2 { margin: 0; font-size: 1.1rem; color: var(--error); }
    .reference { border: 3px solid var(--ink); padding: 1rem; margin: 1rem 0; }
    .token { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: clamp(1rem, 4.8vw, 1.6rem); font-weight: 700; letter-spacing: .05em; white-space: nowrap; margin: .25rem 0; }
    .spelled { font-size: .9rem; color: var(--muted); }
    dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
    dl.summary dt { font-weight: 600; }
    dl.summary dd { margin: 0; }
    .message { white-space: pre-wrap; }
    .places { padding-left: 1.2rem; }
    .notice { border-left: 5px solid var(--accent); padding: .5rem 1rem; margin: 0 0 1rem; background: #f3f7fb; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    table.schedule { border-collapse: collapse; width: 100%; }
    table.schedule th, table.schedule td { text-align: left; border-bottom: 1px solid var(--line); padding: .35rem .5rem .35rem 0; vertical-align: top; }
    select { font: inherit; padding: .4rem; max-width: 100%; }
    .notes { padding-left: 1.2rem; }
    .places li { margin-bottom: .75rem; }
    @media print {
      header.top, footer, .noprint, .skip, form { display: none; }
      body { font-size: 12pt; }
      .reference { border-width: 2px; }
    }
    """
}
