"""GOV.UK Notify as a mail backend, as HMPPS services send mail: each outbox message goes through one Notify email
template whose ((subject)) and ((body)) are filled from the message. The outbox keeps its retries and its
exactly-once rules; Notify's answers are sorted the way SMTP's are: 400 and 403 are final (the request or the API
key is wrong, and sending it again will not change that), 429 and 5xx (and no answer) are retried with backoff."""

from email.message import EmailMessage

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

NOTIFY = "notify"
#: Notify's documented answers that sending again will not change
FINAL_STATUSES = {400, 403}


class NotifyError(Exception):
    """Notify refused or could not take a message; says whether that is final and whether to stop the batch."""

    def __init__(self, status_code: int, detail: str):
        super().__init__(f"GOV.UK Notify answered {status_code}: {detail}")
        self.status_code = status_code
        #: 400 (a bad request, e.g. a team-only key sending outside the team) or 403 (a bad or revoked API key)
        self.is_permanent = status_code in FINAL_STATUSES
        #: rate limited or Notify is in trouble: the rest of the batch waits for the backoff too
        self.breaks_batch = status_code == 429 or status_code >= 500

    @classmethod
    def from_api_error(cls, error: APIError) -> "NotifyError":
        message = error.message
        if isinstance(message, list):
            message = "; ".join(
                f"{item.get('error', 'Error')}: {item.get('message', '')}" for item in message if isinstance(item, dict)
            ) or str(message)
        return cls(error.status_code, str(message))


class NotifySender:
    """Sends each message with a call to Notify's API; the outbox's Message-ID goes as the reference."""

    name = NOTIFY

    def __init__(self, settings):
        self.settings = settings
        self.client = NotificationsAPIClient(
            settings.notify_api_key, base_url=settings.notify_base_url, timeout=settings.timeout
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, email: EmailMessage) -> None:
        body = email.get_body(("plain",))
        assert body is not None  # every email the tracker builds has a plain-text part
        personalisation = {"subject": str(email["Subject"]), "body": body.get_content().replace("\r\n", "\n")}
        try:
            self.client.send_email_notification(
                email_address=email["To"].addresses[0].addr_spec,
                template_id=self.settings.notify_template_id,
                personalisation=personalisation,
                reference=str(email["Message-ID"]).strip("<>"),
                email_reply_to_id=self.settings.notify_reply_to_id or None,
            )
        except APIError as error:
            raise NotifyError.from_api_error(error) from error

    def drop(self) -> None:
        return None
