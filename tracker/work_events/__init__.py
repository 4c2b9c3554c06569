"""What happened to a person's work (an action assigned, a recommendation submitted, returned or assured, evidence
rejected), recorded in the transaction that made it happen, to be told to them by tracker.notifications."""
