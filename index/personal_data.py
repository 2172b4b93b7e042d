"""Detectors for personal data in free text: BSN, phone numbers, e-mail addresses and IBANs.

Used by the content check (no personal data in the compass) and by anything that stores user text.
Each detector returns the matches so callers can count them; callers must never log the values.
"""

from __future__ import annotations

import re

_NINE_DIGITS = re.compile(r"(?<![\d-])(\d{9})(?![\d-])")
_DOTTED_BSN = re.compile(r"(?<!\d)(\d{4})[.\s](\d{2})[.\s](\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+31[\s-]?6|0031[\s-]?6|06)[\s-]?(?:\d[\s-]?){8}(?!\d)")
_LANDLINE = re.compile(r"(?<![\d+])0[1-9]\d{1,2}[\s-]?\d{6,7}(?!\d)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[\s]?(?:[A-Z0-9]{4}[\s]?){2,7}[A-Z0-9]{1,4}\b")

# Mailbox names of organisations rather than persons.
ROLE_MAILBOXES = frozenset({"info", "contact", "helpdesk", "secretariaat", "servicedesk", "privacy", "fg", "redactie", "pers"})


def passes_elfproef(digits: str) -> bool:
    """Check the BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights))
    return total != 0 and total % 11 == 0


def find_bsns(text: str) -> list[str]:
    """Return nine-digit numbers (plain or written as 1234.56.789) that pass the elfproef."""
    candidates = [match.group(1) for match in _NINE_DIGITS.finditer(text)]
    candidates += ["".join(match.groups()) for match in _DOTTED_BSN.finditer(text)]
    return [number for number in candidates if passes_elfproef(number)]


def find_personal_phone_numbers(text: str) -> list[str]:
    """Return Dutch mobile numbers and ten-digit landline numbers.

    Service numbers of organisations (112, 0800-, 0900- and 088- numbers) are not matched.
    """
    found = [match.group(0) for match in _MOBILE.finditer(text)]
    for match in _LANDLINE.finditer(text):
        number = match.group(0)
        if not number.startswith(("0800", "0900", "088", "06")):
            found.append(number)
    return found


def find_emails(text: str, allow_role_mailboxes: bool = False) -> list[str]:
    """Return e-mail addresses; with ``allow_role_mailboxes`` addresses such as info@... are skipped."""
    found = _EMAIL.findall(text)
    if allow_role_mailboxes:
        found = [address for address in found if address.split("@", 1)[0].lower() not in ROLE_MAILBOXES]
    return found


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def find_ibans(text: str) -> list[str]:
    """Return IBANs whose mod-97 check digits are valid."""
    return [match.group(0) for match in _IBAN.finditer(text) if _iban_valid(match.group(0))]


def personal_data_kinds(text: str) -> list[str]:
    """Return the kinds of personal data found in ``text``: "bsn", "phone", "email" and/or "iban"."""
    kinds = []
    if find_bsns(text):
        kinds.append("bsn")
    if find_personal_phone_numbers(text):
        kinds.append("phone")
    if find_emails(text):
        kinds.append("email")
    if find_ibans(text):
        kinds.append("iban")
    return kinds
