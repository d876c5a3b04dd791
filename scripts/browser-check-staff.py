#!/usr/bin/env python3
"""Sign in as staff and open a walk-in case in headless Chromium with JavaScript OFF.

Usage: scripts/browser-check-staff.py BASE_URL USERNAME PASSWORD [OUT_PNG [AUDITOR AUDITOR_PASSWORD]]
The account must be a counsellor at a provider offering `uturn` (anongate staff add ...). With an
auditor of the same provider, it then signs out, signs in as the auditor, lands on the access log,
filters it by the counsellor and checks the entries (and that no note text shows).
This is how the `Origin: null` refusal of our own forms was found: run it after touching the staff forms.
"""
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

base, username, password = sys.argv[1], sys.argv[2], sys.argv[3]
out = sys.argv[4] if len(sys.argv) > 4 else "staff-case.png"
options = webdriver.ChromeOptions()
options.binary_location = shutil.which("chromium")
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=900,1600"):
    options.add_argument(flag)
options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)

def submit(element):
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old))

try:
    driver.get(base + "/staff")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver.find_element(By.CSS_SELECTOR, "main button"))
    cookies = driver.get_cookies()
    assert driver.current_url.endswith("/staff/schedule"), driver.current_url
    assert [c["name"] for c in cookies] == ["anongate_staff"] and cookies[0]["httpOnly"], cookies
    Select(driver.find_element(By.ID, "walkin-age")).select_by_value("14-17")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/staff/walkin'] button"))
    assert "/staff/cases/" in driver.current_url, driver.current_url
    driver.find_element(By.ID, "note").send_keys("Første samtale.")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/notes'] button"))
    assert "Samtale 1 af 5" in driver.page_source and "Første samtale." in driver.page_source
    driver.save_screenshot(out)
    print(f"staff browser check: OK ({driver.current_url}, screenshot {out})")
    if len(sys.argv) > 6:
        auditor, auditor_password = sys.argv[5], sys.argv[6]
        submit(driver.find_element(By.CSS_SELECTOR, "form[action='/staff/sign-out'] button"))
        driver.find_element(By.ID, "username").send_keys(auditor)
        driver.find_element(By.ID, "password").send_keys(auditor_password)
        submit(driver.find_element(By.CSS_SELECTOR, "main button"))
        assert driver.current_url.endswith("/staff/access-log"), driver.current_url
        assert "/staff/schedule" not in driver.page_source, "the auditor is offered the programme"
        driver.find_element(By.ID, "log-staff").send_keys(username)
        submit(driver.find_element(By.CSS_SELECTOR, "form[action='/staff/access-log'] button"))
        table = driver.find_element(By.ID, "access-log").text
        assert "write-note" in table and username in table, table
        assert "Første samtale." not in driver.page_source, "the access log shows a note"
        audit_png = out.replace(".png", "-audit.png")
        driver.save_screenshot(audit_png)
        print(f"auditor browser check: OK ({driver.current_url}, screenshot {audit_png})")
finally:
    driver.quit()
