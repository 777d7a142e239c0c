"""Reading delivery status notifications (RFC 3464) with the standard library's email package.

A DSN is a ``multipart/report; report-type=delivery-status`` message whose
``message/delivery-status`` part holds one block of per-message fields, then one block per
recipient (``Final-Recipient``, ``Action``, ``Status``). A hard bounce is ``Action: failed`` with a
permanent ``5.x.x`` status; delays and temporary failures (``4.x.x``) are not.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path


@dataclass(frozen=True)
class Bounce:
    recipient: str
    action: str
    status: str

    @property
    def is_hard(self) -> bool:
        return self.action == "failed" and self.status.startswith("5.")


def _address(field: str) -> str:
    # "rfc822; someone@example.org" (the address type is optional in the wild)
    value = field.split(";", 1)[1] if ";" in field else field
    return value.strip().strip("<>").strip()


def bounces_in(message: Message) -> list[Bounce]:
    """The per-recipient statuses of a DSN; [] for any other message."""
    if message.get_content_type() != "multipart/report":
        return []
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks[1:]:  # the first block is about the message, not a recipient
            if not isinstance(block, Message):
                continue
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
            if not recipient:
                continue
            found.append(
                Bounce(
                    recipient=_address(str(recipient)).lower(),
                    action=str(block.get("Action", "")).strip().lower(),
                    status=str(block.get("Status", "")).strip().split(" ")[0],
                )
            )
    return found


def messages_of(*, mbox: Path | None = None, maildir: Path | None = None) -> Iterator[Message]:
    box: mailbox.mbox | mailbox.Maildir
    if mbox is not None:
        box = mailbox.mbox(mbox, create=False)
    elif maildir is not None:
        box = mailbox.Maildir(maildir, create=False)
    else:
        return
    try:
        yield from box
    finally:
        box.close()


def hard_bounces(messages: Iterable[Message]) -> list[Bounce]:
    """Every hard bounce in ``messages``, each address once (the first status seen)."""
    seen: dict[str, Bounce] = {}
    for message in messages:
        for found in bounces_in(message):
            if found.is_hard and found.recipient:
                seen.setdefault(found.recipient, found)
    return list(seen.values())
