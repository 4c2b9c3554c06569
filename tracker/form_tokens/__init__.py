"""No double posts: every form that changes something carries a one-time token, so a form sent again (the Back
button, a double click, a retry) changes nothing twice and lands the person on what the first one did."""
