/// Staff pages (Danish): server-rendered, no JavaScript, every form carries the CSRF token.
enum StaffTemplates {
    static let all: [String: String] = [
        "staffLayout": layout, "staffSignIn": signIn, "staffSchedule": schedule, "staffCase": casePage,
        "staffToken": token, "staffPhone": phone, "staffError": error, "staffDone": done,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="da">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <meta name="robots" content="noindex, nofollow">
    <title>Personale – tidsbestilling</title>
    <link rel="stylesheet" href="/static/site.css">
    </head>
    <body>
    <a class="skip" href="#main">Gå til indhold</a>
    <header class="top">
    <p class="brand">Personale{{#who}} · {{who}}{{/who}}</p>
    {{#signedIn}}
    <nav aria-label="Personale">
    <a href="/staff/schedule">Dagens program</a>
    <a href="/staff/phone">Telefonbooking</a>
    <form class="inline" method="post" action="/staff/sign-out"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link" type="submit">Log ud</button></form>
    </nav>
    {{/signedIn}}
    </header>
    <main id="main">
    {{{content}}}
    </main>
    </body>
    </html>
    """

    static let errorBox = """
    {{#error}}<div class="error" role="alert" id="error"><h2>Det gik ikke</h2><p>{{error}}</p></div>{{/error}}
    {{#notice}}<div class="notice" role="status"><p>{{notice}}</p></div>{{/notice}}
    """

    static let signIn = """
    <h1>Log ind</h1>
    \(errorBox)
    <form method="post" action="/staff/sign-in" autocomplete="off">
    <div class="field"><label for="username">Brugernavn</label><input type="text" id="username" name="username" required maxlength="40" autocapitalize="none" spellcheck="false"></div>
    <div class="field"><label for="password">Adgangskode</label><input type="password" id="password" name="password" required maxlength="200"></div>
    <div class="field"><label for="totp">Engangskode (hvis slået til)</label><input type="text" id="totp" name="totp" inputmode="numeric" maxlength="6" autocomplete="one-time-code"></div>
    <button type="submit">Log ind</button>
    </form>
    """

    static let schedule = """
    <h1>Program {{dayLabel}}</h1>
    \(errorBox)
    <section aria-labelledby="checkin-heading">
    <h2 id="checkin-heading">Tjek ind</h2>
    <form method="post" action="/staff/checkin" autocomplete="off">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="token">Borgerens reference</label><input type="text" id="token" name="token" required maxlength="40" class="token-input" spellcheck="false"></div>
    <button type="submit">Tjek ind</button>
    </form>
    <form method="post" action="/staff/walkin" autocomplete="off">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <fieldset><legend>Uden aftale (walk-in)</legend>
    <div class="field"><label for="walkin-service">Tilbud</label><select id="walkin-service" name="serviceId">{{#services}}<option value="{{id}}">{{name}}</option>{{/services}}</select></div>
    <div class="field"><label for="walkin-age">Aldersgruppe</label><select id="walkin-age" name="ageBand"><option value="">Vælg (ikke nødvendig med reference)</option>{{#ageBands}}<option value="{{id}}">{{label}}</option>{{/ageBands}}</select></div>
    <div class="field"><label for="walkin-token">… eller borgerens reference til en anden dag</label><input type="text" id="walkin-token" name="token" maxlength="40" class="token-input" spellcheck="false"></div>
    <button type="submit" class="secondary">Tjek ind uden aftale</button>
    </fieldset>
    </form>
    </section>
    <section aria-labelledby="cases-heading">
    <h2 id="cases-heading">Åbne sager</h2>
    {{#hasOpenCases}}<ul>{{#openCases}}<li><a href="/staff/cases/{{code}}">{{code}}</a> · {{label}}</li>{{/openCases}}</ul>{{/hasOpenCases}}
    {{^hasOpenCases}}<p>Ingen åbne sager.</p>{{/hasOpenCases}}
    </section>
    {{#days}}
    <section>
    <h2>{{label}}</h2>
    {{#hasBookings}}
    <table class="schedule">
    <caption class="visually-hidden">Aftaler {{label}}</caption>
    <thead><tr><th scope="col">Tid</th><th scope="col">Tilbud</th><th scope="col">Status</th><th scope="col">Sag</th><th scope="col">Ønsker</th></tr></thead>
    <tbody>
    {{#bookings}}<tr><td>{{time}}</td><td>{{service}}</td><td>{{status}}</td><td>{{#caseCode}}<a href="/staff/cases/{{caseCode}}">{{caseCode}}</a>{{/caseCode}}</td><td>{{wishes}}</td></tr>{{/bookings}}
    </tbody>
    </table>
    {{/hasBookings}}
    {{^hasBookings}}<p>Ingen aftaler.</p>{{/hasBookings}}
    </section>
    {{/days}}
    """

    static let casePage = """
    <h1>Sag {{code}}</h1>
    \(errorBox)
    <p class="progress"><strong>{{progress}}</strong> · {{serviceName}} · {{ageBand}} · åbnet {{openedOn}} · {{statusText}}</p>
    {{#warning}}<div class="notice" role="status"><p>{{warning}}</p></div>{{/warning}}
    {{#next}}<div class="error" role="alert"><p>{{next}}</p></div>{{/next}}
    {{#decisionText}}<section><h2>Afgørelse</h2><p>{{decisionText}}</p>{{#decisionReason}}<p>Begrundelse: {{decisionReason}}</p>{{/decisionReason}}</section>{{/decisionText}}
    <section aria-labelledby="notes-heading">
    <h2 id="notes-heading">Noter</h2>
    {{#notesDestroyed}}<p>Noterne er destrueret og kan ikke læses igen.</p>{{/notesDestroyed}}
    <ul class="notes">{{#notes}}<li><span class="hint">{{writtenOn}} · {{providerId}}</span><br><span class="message">{{text}}</span></li>{{/notes}}</ul>
    {{#open}}{{^notesDestroyed}}
    <form method="post" action="/staff/cases/{{code}}/notes">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="note">Ny note</label><textarea id="note" name="text" rows="4" maxlength="10000" required></textarea></div>
    <button type="submit" class="secondary">Gem note</button>
    </form>
    {{/notesDestroyed}}{{/open}}
    </section>
    {{#open}}
    {{#canContinue}}
    <section aria-labelledby="next-heading">
    <h2 id="next-heading">Næste gang</h2>
    <form method="post" action="/staff/cases/{{code}}/bookings">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="next-slot">Tid</label><select id="next-slot" name="slotId" required><option value="">Vælg en tid</option>{{#slots}}<option value="{{id}}">{{label}}</option>{{/slots}}</select></div>
    <button type="submit">Book og giv ny reference</button>
    </form>
    <form method="post" action="/staff/cases/{{code}}/follow-up">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" class="secondary">Giv en reference, så borgeren selv vælger tid</button>
    </form>
    </section>
    {{/canContinue}}
    {{#hasLiveBooking}}
    <form method="post" action="/staff/cases/{{code}}/no-show">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" class="secondary">Borgeren kom ikke til den bookede tid</button>
    </form>
    {{/hasLiveBooking}}
    {{#isPAS}}{{^decided}}
    <section aria-labelledby="decision-heading">
    <h2 id="decision-heading">Afgørelse efter afklarende samtale</h2>
    <form method="post" action="/staff/cases/{{code}}/decision">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <fieldset><legend>Udfald</legend>
    <div class="choice"><input type="radio" id="outcome-granted" name="outcome" value="granted" required><label for="outcome-granted">Visiteret</label></div>
    <div class="choice"><input type="radio" id="outcome-refused" name="outcome" value="refused" required><label for="outcome-refused">Afslag</label></div>
    </fieldset>
    <div class="field"><label for="referral">Henvis til (ved visitation)</label><select id="referral" name="referralProviderId"><option value="">–</option>{{#pasProviders}}<option value="{{id}}">{{name}}</option>{{/pasProviders}}</select></div>
    <div class="field"><label for="reason">Begrundelse</label><textarea id="reason" name="reason" rows="3" maxlength="4000" required></textarea></div>
    <div class="choice"><input type="checkbox" id="shareNotes" name="shareNotes" value="yes"><label for="shareNotes">Borgeren har sagt ja til, at noterne deles med modtageren</label></div>
    <button type="submit">Træf afgørelse</button>
    </form>
    </section>
    {{/decided}}{{/isPAS}}
    <section aria-labelledby="close-heading">
    <h2 id="close-heading">Afslut sagen</h2>
    <form method="post" action="/staff/cases/{{code}}/close">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="close-reason">Udskrivningsårsag</label><select id="close-reason" name="reason">
    <option value="completed">Færdigbehandlet</option><option value="other-offer">Udskrevet til andet tilbud</option>
    <option value="hospital">Udskrevet til hospital</option><option value="other">Anden årsag</option></select></div>
    <button type="submit" class="secondary">Afslut</button>
    </form>
    </section>
    <section aria-labelledby="handover-heading">
    <h2 id="handover-heading">Overgang til forløb med navn</h2>
    <p>Kun det, borgeren udtrykkeligt har sagt ja til at tage med, føres over. Intet peger tilbage på denne sag.</p>
    <form method="post" action="/staff/cases/{{code}}/handover">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="carry">Det borgeren har sagt ja til at tage med</label><textarea id="carry" name="carry" rows="3" maxlength="2000"></textarea></div>
    {{#minor}}
    <div class="choice"><input type="checkbox" id="parentalConsent" name="parentalConsent" value="yes"><label for="parentalConsent">Samtykke fra forældremyndighedsindehaver foreligger</label></div>
    <div class="choice"><input type="checkbox" id="caseworkerApproval" name="caseworkerApproval" value="yes"><label for="caseworkerApproval">Godkendelse fra myndighedssagsbehandler foreligger</label></div>
    {{/minor}}
    <button type="submit" class="secondary">Overdrag</button>
    </form>
    </section>
    {{/open}}
    """

    static let token = """
    <h1>{{heading}}</h1>
    <section class="reference" aria-labelledby="reference-heading">
    <h2 id="reference-heading">Borgerens nye reference</h2>
    <p class="token">{{token}}</p>
    <ol class="spelled">{{#spelling}}<li>{{.}}</li>{{/spelling}}</ol>
    <p><strong>Vises kun denne ene gang. Giv den til borgeren (læs den op eller skriv den ned) – gem den ikke.</strong></p>
    </section>
    {{#when}}<p>Tid: {{when}}</p>{{/when}}
    {{#code}}<p><a href="/staff/cases/{{code}}">Tilbage til sagen</a></p>{{/code}}
    {{^code}}<p><a href="/staff/phone">Ny telefonbooking</a></p>{{/code}}
    """

    static let phone = """
    <h1>Telefonbooking for en anonym opkalder</h1>
    \(errorBox)
    <p>Spørg kun om det, skemaet beder om. Skriv aldrig navn, telefonnummer eller andet, der kan identificere opkalderen.</p>
    <form method="post" action="/staff/phone" autocomplete="off">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field"><label for="phone-slot">Tid</label><select id="phone-slot" name="slotId" required><option value="">Vælg en tid</option>{{#slots}}<option value="{{id}}">{{label}}</option>{{/slots}}</select></div>
    <div class="field"><label for="phone-age">Aldersgruppe</label><select id="phone-age" name="ageBand" required><option value="">Vælg</option>{{#ageBands}}<option value="{{id}}">{{label}}</option>{{/ageBands}}</select></div>
    {{#offersPAS}}
    <fieldset><legend>Stoffer (PAS)</legend>{{#substances}}<div class="choice"><input type="checkbox" id="phone-{{id}}" name="substances" value="{{id}}"><label for="phone-{{id}}">{{label}}</label></div>{{/substances}}</fieldset>
    <fieldset><legend>Hjælper kommunen allerede med andre sociale problemer? (PAS)</legend>
    <div class="choice"><input type="radio" id="phone-support-no" name="otherSupport" value="no"><label for="phone-support-no">Nej</label></div>
    <div class="choice"><input type="radio" id="phone-support-yes" name="otherSupport" value="yes"><label for="phone-support-yes">Ja</label></div>
    </fieldset>
    {{/offersPAS}}
    <div class="field"><label for="phone-interpreter">Tolk (sprog)</label><input type="text" id="phone-interpreter" name="interpreterLanguage" maxlength="60"></div>
    <div class="choice"><input type="checkbox" id="phone-companion" name="companion" value="yes"><label for="phone-companion">Bisidder med</label></div>
    <button type="submit">Book og giv reference</button>
    </form>
    """

    static let error = """
    <h1>Det gik ikke</h1>
    <div class="error" role="alert"><p>{{detail}}</p></div>
    <p><a href="{{back}}">Tilbage</a></p>
    """

    static let done = """
    <h1>{{heading}}</h1>
    <p>{{text}}</p>
    <p><a href="/staff/schedule">Til dagens program</a></p>
    """
}
