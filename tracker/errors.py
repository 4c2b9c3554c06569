"""Error pages: every refusal is a styled page (or JSON under /api), never a bare server error."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.text_limits import TextTooLong

TITLES = {
    400: "Sorry, there is a problem with your request",
    401: "Sign in or use an API token",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that here",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None):
    title = TITLES.get(code, "Sorry, there is a problem")
    if wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": message}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Your form expired or was sent from another site. Go back, refresh the page and "
                                 "try again. Nothing was saved.")

    @app.errorhandler(TextTooLong)
    def text_too_long(error: TextTooLong):
        return render_error(400, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        message = None
        if code == 413:
            limit_mb = app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
            message = f"The file must be smaller than {limit_mb:g} MB. Nothing was saved."
        elif code not in TITLES:
            message = error.description
        response = render_error(code if code in TITLES else code, message)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
