"""Turns an outbox row into a MIME email and hands it to the configured backend: SMTP, GOV.UK Notify, or the
in-app sink."""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from tracker.mail.notify import NOTIFY, NotifyError, NotifySender

LONDON = ZoneInfo("Europe/London")

SINK = "sink"
SMTP = "smtp"


@dataclass(frozen=True)
class MailSettings:
    backend: str
    host: str
    port: int
    security: str
    username: str
    password: str
    from_address: str
    timeout: float
    notify_api_key: str = ""
    notify_template_id: str = ""
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_reply_to_id: str = ""

    @classmethod
    def from_config(cls, config) -> "MailSettings":
        security = str(config.get("MAIL_SECURITY", "none")).lower()
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"mail.security must be none, starttls or tls, not {security!r}")
        backend = str(config.get("MAIL_BACKEND", SINK)).lower()
        if backend == NOTIFY and not (config.get("MAIL_NOTIFY_API_KEY") and config.get("MAIL_NOTIFY_TEMPLATE_ID")):
            raise ValueError('mail.backend = "notify" needs mail.notify_api_key and mail.notify_template_id')
        return cls(
            backend=backend,
            host=str(config.get("MAIL_HOST", "localhost")),
            port=int(config.get("MAIL_PORT", 25)),
            security=security,
            username=str(config.get("MAIL_USERNAME", "")),
            password=str(config.get("MAIL_PASSWORD", "")),
            from_address=str(config.get("MAIL_FROM_ADDRESS", "tracker@example.org")),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS", 10)),
            notify_api_key=str(config.get("MAIL_NOTIFY_API_KEY", "")),
            notify_template_id=str(config.get("MAIL_NOTIFY_TEMPLATE_ID", "")),
            notify_base_url=str(config.get("MAIL_NOTIFY_BASE_URL") or "https://api.notifications.service.gov.uk"),
            notify_reply_to_id=str(config.get("MAIL_NOTIFY_REPLY_TO_ID", "")),
        )


def build_email(message, settings: MailSettings, config, now: datetime) -> EmailMessage:
    """A multipart/alternative email; its Message-ID comes from the outbox row so a receiver can drop a
    duplicate should a crash between sending and recording ever make us send it again. The Date is London
    time with its real offset (+0000 in winter, +0100 in summer), and List-Unsubscribe leads to the page
    where a person chooses how often to hear from us."""
    email = EmailMessage(policy=policy.SMTP)
    email["Subject"] = message.subject
    email["From"] = Address(str(config.get("APP_SERVICE_NAME", "tracker")), addr_spec=settings.from_address)
    email["To"] = Address(message.to_name, addr_spec=message.to_address)
    email["Date"] = format_datetime(now.astimezone(LONDON))
    domain = settings.from_address.rpartition("@")[2] or "tracker.invalid"
    email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
    email["List-Unsubscribe"] = f"<{str(config.get('APP_BASE_URL', '')).rstrip('/')}/account/notifications>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


class SinkSender:
    """Keeps mail in the app: the outbox row is the delivered message, readable on the admin pages."""

    name = SINK

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, email: EmailMessage) -> None:
        return None

    def drop(self) -> None:
        return None


class SmtpSender:
    """One SMTP connection for a whole batch, opened lazily so a batch with nothing to send opens none."""

    name = SMTP

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def connect(self) -> smtplib.SMTP:
        s = self.settings
        connection: smtplib.SMTP
        if s.security == "tls":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                connection.starttls(context=ssl.create_default_context())
        if s.username:
            connection.login(s.username, s.password)
        return connection

    def send(self, email: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self.connect()
        self.connection.send_message(email)

    def drop(self) -> None:
        """Forget a connection that failed, so the next message opens a fresh one."""
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


#: what a backend raises when a message does not go
DELIVERY_ERRORS = (OSError, NotifyError)


def sender_for(settings: MailSettings):
    if settings.backend == SMTP:
        return SmtpSender(settings)
    if settings.backend == SINK:
        return SinkSender()
    if settings.backend == NOTIFY:
        return NotifySender(settings)
    raise ValueError(f"mail.backend must be sink, smtp or notify, not {settings.backend!r}")


def breaks_batch(error: Exception) -> bool:
    """Errors after which no message in the batch can go: no connection, a dropped one, or a refused login.
    A refusal of one message (a bad recipient, a rejected body) leaves the connection usable."""
    if isinstance(error, NotifyError):
        return error.breaks_batch
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
