#!/usr/bin/env python3
"""Walk the citizen booking flow in headless Chromium with JavaScript OFF.

Usage: scripts/browser-check.py [BASE_URL] [OUT_DIR [PAS_USERNAME PAS_PASSWORD]]
Needs: apt-get install -y chromium chromium-driver; pip install selenium==4.51.0
Prints each step and saves a screenshot per page; exits non-zero if a step fails. The second walk
books in Arabic at phone width (390 px), right to left, from the families page to the lookup. With a
PAS counsellor's account (anongate staff add --provider kk-pas --role counsellor), a third walk books
a PAS walk-in through the staff API, records a granted decision and books the next session,
and reads the decision letter on the lookup page with the new reference.
"""
import os
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
out = sys.argv[2] if len(sys.argv) > 2 else "bench-out"
os.makedirs(out, exist_ok=True)

def browser(phone=False):
    """Headless Chromium with JavaScript off; `phone`: emulated at 390 px (window-size clamps to 500)."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage") + (() if phone else ("--window-size=420,1400",)):
        options.add_argument(flag)
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)

driver = browser()

step = 0
def shot(name):
    global step
    step += 1
    path = f"{out}/{step:02d}-{name}.png"
    driver.save_screenshot(path)
    print(f"{step:02d} {name}: title={driver.title!r} url={driver.current_url} screenshot={path}")

def click(css, element=None):
    old = driver.find_element(By.TAG_NAME, "html")
    (element or driver.find_element(By.CSS_SELECTOR, css)).click()
    if element is not None or css.endswith("button[type=submit]") or css.startswith("button") or "form button" in css:
        WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old))

try:
    driver.get(base + "/")
    assert driver.title == "Tidsbestilling", driver.title
    shot("start")
    click("#service-pas"); click("main button[type=submit]")
    shot("questions")
    click("#age-25-plus"); click("#substance-cannabis"); click("#support-no"); click("main button[type=submit]")
    shot("times")
    driver.find_elements(By.CSS_SELECTOR, "input[name=slot]")[0].click(); click("main form:not(.inline) button[type=submit]")
    shot("details")
    driver.find_element(By.ID, "interpreterLanguage").send_keys("arabisk")
    driver.find_element(By.ID, "message").send_keys("Jeg kommer med en ven.")
    click("#companion"); click("main button[type=submit]")
    shot("confirm")
    click("main button[type=submit]")
    token = driver.find_element(By.CSS_SELECTOR, ".token").text
    assert len(token) == 24, token
    assert token not in driver.current_url
    shot("receipt")
    click("#saved"); click(None, driver.find_elements(By.CSS_SELECTOR, "main form button")[-1])
    shot("done")
    driver.get(base + "/booking?lang=en")
    driver.find_element(By.ID, "token").send_keys(token.lower().replace("-", " "))
    click("main button[type=submit]")
    assert "Your booking" in driver.page_source
    shot("found")
    click("#confirmCancel"); click("button.danger")
    assert "cancelled" in driver.page_source
    shot("cancelled")

    # A second booking: its receipt is shown once (a reload does not show the reference again),
    # then "forget me" in two steps.
    driver.get(base + "/")
    click("#service-uturn"); click("main button[type=submit]")
    click("#age-18-24"); click("main button[type=submit]")
    driver.find_elements(By.CSS_SELECTOR, "input[name=slot]")[0].click(); click("main form:not(.inline) button[type=submit]")
    click("main button[type=submit]")
    click("main button[type=submit]")
    second = driver.find_element(By.CSS_SELECTOR, ".token").text
    driver.refresh()
    assert second not in driver.page_source, "the receipt was shown twice"
    shot("receipt-reloaded")
    driver.get(base + "/booking")
    driver.find_element(By.ID, "token").send_keys(second)
    click("main button[type=submit]")
    click(None, driver.find_element(By.CSS_SELECTOR, "form[action='/booking/forget'] button"))
    assert "confirmForget" in driver.page_source
    shot("forget")
    click("#confirmForget"); click("button.danger")
    assert "Alt om dig er slettet" in driver.page_source
    shot("forgotten")
    print("browser check: OK (JavaScript off, no cookies:", driver.get_cookies() == [], ")")
finally:
    driver.quit()

# Issue 10: an Arabic-speaking parent, on a phone (390 px wide), from the families page to the
# receipt, right to left; no page may be wider than the screen.
driver = browser(phone=True)
def send(css_or_element):
    # Under mobile emulation with JavaScript off, chromedriver's (touch) clicks hang in this Chromium;
    # the keyboard chooses and the element's form is submitted instead, as a keyboard user would.
    element = driver.find_element(By.CSS_SELECTOR, css_or_element) if isinstance(css_or_element, str) else css_or_element
    old = driver.find_element(By.TAG_NAME, "html")
    element.submit()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old))
def fits(name):
    html = driver.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl", name
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width} px wide at 390"
    shot("ar-" + name)
try:
    driver.get(base + "/families?lang=ar")
    fits("families")
    send(driver.find_element(By.ID, "families-book-parents"))
    fits("questions")
    driver.find_element(By.ID, "age-25-plus").send_keys(Keys.SPACE); send("main button[type=submit]")
    fits("times")
    driver.find_elements(By.CSS_SELECTOR, "input[name=slot]")[0].send_keys(Keys.SPACE); send("main form:not(.inline) button[type=submit]")
    fits("details")
    send("main button[type=submit]")
    fits("confirm")
    send("main button[type=submit]")
    token = driver.find_element(By.CSS_SELECTOR, ".token").text
    assert len(token) == 24, token
    fits("receipt")
    driver.get(base + "/booking?lang=ar")
    driver.find_element(By.ID, "token").send_keys(token)
    send("main button[type=submit]")
    # Digits are isolated left to right on right-to-left pages (U+2066 … U+2069).
    assert "Studiestræde \u206647\u2069" in driver.page_source
    fits("found")
    print("arabic phone check: OK (right to left, 390 px, no cookies:", driver.get_cookies() == [], ")")
finally:
    driver.quit()

if len(sys.argv) > 4:
    import json
    import urllib.request

    def api(method, path, body=None, token=None):
        request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(request) as answer:
            return json.loads(answer.read() or b"{}")

    driver = browser()
    try:
        staff = api("POST", "/api/v1/staff/sessions", {"username": sys.argv[3], "password": sys.argv[4]})["sessionToken"]
        # The clarifying conversation as a walk-in (a booked token checks in on its own day only).
        code = api("POST", "/api/v1/staff/walkins", {"serviceId": "pas", "ageBand": "25-plus"}, staff)["caseCode"]
        api("POST", f"/api/v1/staff/cases/{code}/decision",
            {"outcome": "granted", "reason": "Problematisk brug af kokain", "referralProviderId": "kk-pas"}, staff)
        slots = api("GET", "/api/v1/services/pas/slots")["slots"]
        later = [slot for slot in slots if slot["providerId"] == "kk-pas"][-1]["id"]
        second = api("POST", f"/api/v1/staff/cases/{code}/bookings", {"slotId": later}, staff)["token"]
        driver.get(base + "/booking")
        driver.find_element(By.ID, "token").send_keys(second)
        click("main button[type=submit]")
        letter = driver.find_element(By.ID, "decision-letter").text
        assert "kan ikke indbringes for anden administrativ myndighed" in letter, letter
        assert "Oehlenschlägersgade 17" in letter, letter
        assert code not in driver.page_source, "the case code is on the citizen's page"
        shot("pas-decision-letter")
        print("pas decision check: OK (the letter read with the reference, JavaScript off)")
    finally:
        driver.quit()
