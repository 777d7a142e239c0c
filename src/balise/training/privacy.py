"""The privacy notice people consent to when they register: its version is stored with each
consent. Change ``PRIVACY_NOTICE_VERSION`` whenever ``training/privacy_notice.html`` changes."""

from typing import Final

PRIVACY_NOTICE_VERSION: Final = "2026-12"
